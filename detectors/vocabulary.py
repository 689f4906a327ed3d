"""The words that say a value is secret, as a regex alternation shared by every reader of
names: the engine's decode prefilter, the decoders of encoded values and Kubernetes
Secret keys, and the redaction of secret-keyed values. Each adds its own extras; the
generic detector's richer vocabulary (other languages, misspellings, compounds) lives with
it in detectors/generic.py, its Hyperscan prefilter included (CANDIDATE). And the test
folders that no test word names, shared by blast radius and the generic detector."""
from __future__ import annotations

import re

SECRET_WORDS = r"pass(?:word|wd|phrase)?|pwd|secret|token|api[_.\-]?key|apikey|auth|credential|private[_.\-]?key"

# the word for a password in other languages, as the generic detector's prefilter reads a
# name (detectors.generic.CANDIDATE) and as a translation writes a password's slot in a URL
# (detectors.placeholders' _SECRET_WORD: Duplicati's `ftp://benutzername:kennwort@hostname`)
PASSWORD_WORDS_ABROAD = (r"passwort|kennwort|contrase(?:ñ|n)[ay]|senha|wachtwoord|l(?:ö|o)senord|salasana|has(?:ł|l)o|"
                         r"parola|heslo|jelsz(?:ó|o)|(?:ş|s)ifre|parol|mot[_\- ]?(?:de[_\- ]?)?passe|mdp|lozinka|passord|"
                         r"sandi|пароль")

# the names code conventionally gives an object whose members are read (the instance, the
# settings, the environment, a request), as a regex alternation: a value that starts with one
# is code (the generic detector's _CODEISH), and one of them followed by identifiers is no
# provider's token (detectors.placeholders.is_code_member)
CODE_OBJECTS = r"self|this|cls|os|env|process|request|config|settings|params|args|opts|options|data|json|ctx|req|res"

# test folders no word names: Perl's and Git's t/ (celery's too), a conformance suite's
# package (dex's storage/conformance/, whose keys are generated "so tests don't spend time on
# crypto key generation"), its kin the certification and interoperability suites (panva's
# node-oidc-provider's certification/: the OpenID conformance suite's test clients' keys; an
# interop/ folder of tests against other implementations), a folder of test suites
# (authelia's internal/suites/, each an integration suite's configuration, keys and
# certificates; a folder only: a variable's
# `G_SUITE_` names Google Workspace), the kinds of tests written as one word (funtests/,
# unittests/, integrationtests/), and a Helm chart's ci/*values*.yaml
# (the values chart-testing installs it with), and the folders the end-to-end test runners
# keep their tests, fixtures and helpers in (Cypress's cypress/, Playwright's playwright/: hydra's
# cypress/helpers/ signs its test grants with keys written there), Jest's __mocks__/ and
# __fixtures__/, goss's goss/, the server tests a container image is verified with
# (bitnami/charts' .vib/*/goss/vars.yaml: the passwords of the throw-away release under test),
# and Pongo's .pongo/, the test environment Kong's plugins are tested in (Kong/kong's
# .pongo/kafka/keystore/, its OpenID Connect plugin's .pongo/client-key.pem), and a
# benchmark's bench/ or benchmarks/, the throw-away project a benchmark runs (falcon's
# bench/dj/, a Django project generated to time it against), and a JVM build's integration
# test source set, beside src/main/ and src/test/ (Gradle's src/integration/java/ or
# src/integrationTest/, Maven Failsafe's src/it/: spinnaker's Gitea container's key passphrase).
# A folder of one kind of test, named in one word (`unittests/`, dgraph's `tlstest/` and
# `systest/`, with the TLS keys of its test clusters): the kind, then test or tests.
# scanner/blast.py reads it as the test environment,
# detectors.generic.is_test_path as a test path.
TEST_KINDS = ("fun", "func", "functional", "unit", "integration", "api", "acceptance", "system", "sys", "smoke", "perf",
              "load", "ui", "regression", "tls", "ssl", "mtls", "fuzz", "stress", "chaos", "upgrade", "compat")
TEST_FOLDER = re.compile(r"(?i)(?:^|/)(t|suites?|conformance|certification|interop|cypress|playwright|goss|\.?pongo|__mocks__|__fixtures__|"
                         r"bench|benchmarks?|"
                         r"src/(?:integration|integration-?tests?|int-?tests?|it)(?=/(?:java|kotlin|groovy|scala|resources)/)|"
                         rf"(?:{'|'.join(TEST_KINDS)})[_-]?tests?)/|(?:^|/)(ci)/[^/]*values[^/]*\.ya?ml$")

# what follows "test" in a test folder named in one word (Go's testutil/, telegraf's
# testcases/, pgx's testsetup/ with the CA its test servers are signed with): the generic
# detector reads `test` + one of them, with or without a `_` or `-` between, as a test path;
# scanner/blast.py reads the joined word as the test environment; and the project or app a
# framework's tests run against (celery's testproj/, Django's testproject/ and testapp/), and
# a test's fixtures (Gradle's java-test-fixtures plugin's src/testFixtures/, scaleway-cli's
# testfixture/ with the SSH key its instance tests install)
TEST_COMPOUNDS = ("util", "utils", "helper", "helpers", "case", "cases", "support", "resources", "setup", "env",
                  "files", "keys", "certs", "server", "proj", "project", "projects", "app", "apps", "site",
                  "fixture", "fixtures")
# a test double's word before one of them names the same kind of folder: urllib3's
# dummyserver/ (the server its tests run against, its CA, server and client keys beside it),
# a mockserver/, a fakeapp/
TEST_DOUBLES = ("dummy", "mock", "fake", "stub")

# a Storybook story (`Button.stories.tsx`, `TokenExplanation.story.tsx`): a component shown
# with made-up data, as a test's fixture is (unleash's sample API token, growthbook's webhook
# URL); blast.py reads it as the test environment, the generic detector as a test path
STORYBOOK_FILE = re.compile(r"\.stor(?:y|ies)\.(?:[cm]?[jt]sx?|mdx|svelte|vue)$")
