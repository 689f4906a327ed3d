"""detectors/memo.py: a memo bounded by the sizes of what it keeps."""
from detectors.memo import BoundedMemo


def test_a_memo_forgets_everything_once_past_its_limit_and_keeps_the_newest():
    memo = BoundedMemo(10)
    assert memo.keep("a", 1, 6) == 1
    memo.keep("b", 2, 6)  # 12 characters now: over, but kept until the next keep
    assert memo == {"a": 1, "b": 2}
    memo.keep("c", 3, 1)
    assert memo == {"c": 3} and memo.size == 1
    assert memo.get("a") is None
