"""Issue 15 and issue 17 (passwords): the generic detector reads code the way its language
does. A secret-named key whose value is a name, an attribute, a call, a type, a constant,
an environment variable's name, a format placeholder or the name itself is not a secret;
a quoted literal (or a bare value where the format makes bare values literal) can be.
Through the whole engine (both engines where Hyperscan loads), then through the CLI on
real git repositories: confidence, severity, `ignore`, SARIF, and history's noise filter.
"""
from __future__ import annotations

import base64
import hashlib
import json

import pytest

from scanner.engine import Engine
from scanner.rules import load_rules
from tests.gitrepo import Repo, credfence, scan_json

# (path, line, the secret it must yield) -- values are made-up random strings
POSITIVE = [
    # a lower-case value in a name's shape whose parts are random: a vendor's prefix and a
    # hex or base-36 key, base-36 in a UUID's shape, hex split by dashes, an upper-case one
    # (the shapes of trufflehog's detector tests' valid patterns: Tickettailor's and IEX
    # Cloud's `sk_`, Postmark's, Everhour's)
    ("app/settings.py", "api_token = 'sk_d21e2be3" + "622049c7809f95cc02313821'", "sk_d21e2be3" + "622049c7809f95cc02313821"),
    ("config/app.yaml", "  billing_token: 'sk_6551_225099_d9a4d4b7" + "d506fba4d2cbb2ed803d088b'",
     "sk_6551_225099_d9a4d4b7" + "d506fba4d2cbb2ed803d088b"),
    ("config/app.yaml", "  mail_token: 'uigi9zkt-7q3u" + "-v1v9-5x2s-91p78wlmsuxv'", "uigi9zkt-7q3u" + "-v1v9-5x2s-91p78wlmsuxv"),
    ("config/app.yaml", "  everhour_secret: 'a289-1dad" + "-dbeeeb-2c0b1f-dc0ed546'", "a289-1dad" + "-dbeeeb-2c0b1f-dc0ed546"),
    ("deploy/app.env", "FINAGE_SECRET=API_KEYN2B1NFN5" + "CP6CK5BJHY8B15YF535TP681", "API_KEYN2B1NFN5" + "CP6CK5BJHY8B15YF535TP681"),
    # a name only ending in `key`, a service's, and a random value (trufflehog's detector
    # tests' configurations, `censys_key: "..."`; a Go constant, `fastlyKey string = "..."`)
    ("config/services.yaml", '    censys_key: "roLtT01S6znCR' + 'hgoSwNNKY8O7AELn8e4"', "roLtT01S6znCR" + "hgoSwNNKY8O7AELn8e4"),
    ("internal/fastly/client.go", '\tconst fastlyKey string = "TVAWji0p7uDI' + '6OP9DyWvmV-vgoUoXIuf"', "TVAWji0p7uDI" + "6OP9DyWvmV-vgoUoXIuf"),
    # a key of random bytes written as escapes is a key (Flask's docs showed os.urandom's)
    ("docs/config.rst", "    SECRET_KEY = '?\\xbf,\\xb4\\x8d\\xa3\"<\\x9c\\xb0@\\x0f5\\xab," + "w\\xee\\x8d$0\\x13\\x8b83'",
     "?\\xbf,\\xb4\\x8d\\xa3\"<\\x9c\\xb0@\\x0f5\\xab," + "w\\xee\\x8d$0\\x13\\x8b83"),
    # a password with a printable character written as a byte escape is still typed text
    ("app/settings.py", 'DB_PASSWORD = "Kq7\\x21vR2' + 'mZp9"', "Kq7\\x21vR2" + "mZp9"),
    # a password with pipes between random pieces is no list of words
    ("config/app.py", "password = 'Zq8v|Lp2r" + "|Ty6w|XmB4n'", "Zq8v|Lp2r" + "|Ty6w|XmB4n"),
    # a Pascal string literal is still read, and a query string holding a random value
    ("src/Config.pas", "  Password := 'Xk9aB3q" + "Qzab12ZzWq';", "Xk9aB3q" + "Qzab12ZzWq"),
    ("admin/setup.cgi", "my $password = 'Xk9aB3q" + "Qzab12ZzWq';", "Xk9aB3q" + "Qzab12ZzWq"),
    ("app/session.py", "token = 'id=42&sig=Xk9aB3q" + "Qzab12ZzWq'", "id=42&sig=Xk9aB3q" + "Qzab12ZzWq"),
    # an acronym and a number before random letters is no class name (four consonants in a row)
    ("deploy/run.sh", "  --opt token=ERC20" + "Rwtpzqmfkxbvn", "ERC20" + "Rwtpzqmfkxbvn"),
    # a password with a slash and a colon is no route: its "parameter" is random
    ("config/app.js", "  password: 'abc/:Xk9aB3q" + "Qzab12Zz',", "abc/:Xk9aB3q" + "Qzab12Zz"),
    # a user and password pair after a colon, and a numbered value that is no lower-case name
    ("deploy/.env", "API_TOKEN=svc_deploy:Xk29fjQ" + "p3LmZ", "svc_deploy:Xk29fjQ" + "p3LmZ"),
    ("app/settings.py", "token = '0006_Xk9aB3q" + "Qzab12'", "0006_Xk9aB3q" + "Qzab12"),
    ("deploy/db.env", "DB_PASSWORD=2024_kq7z" + "mx9wpt", "2024_kq7z" + "mx9wpt"),
    # a literal compared before the block the comparison opens (Go, Rust)
    ("cmd/server/auth.go", '\tif creds.Secret != "Xk29fjQ' + 'p3LmZ" {', "Xk29fjQ" + "p3LmZ"),
    ("src/auth.rs", '    if token == "Qm7tLx2Vb9R' + 'kP4wZs8Nc" {', "Qm7tLx2Vb9R" + "kP4wZs8Nc"),
    # a JSON document written inside a string, its quotes escaped once or twice
    ("src/test/java/LoginTest.java", '    String body = "{\\"user\\":\\"svc\\",\\"password\\":\\"Xk29fjQ' + 'p3LmZ\\"}";',
     "Xk29fjQ" + "p3LmZ"),
    ("scripts/login.sh", 'curl -X POST -d "{\\"api_key\\": \\"Qm7tLx2Vb9R' + 'kP4wZs8Nc\\"}" https://api.acme.io',
     "Qm7tLx2Vb9R" + "kP4wZs8Nc"),
    ("tests/fixtures.py", 'payload = "{\\\\\\"password\\\\\\":\\\\\\"Xk29fjQ' + 'p3LmZ\\\\\\"}"', "Xk29fjQ" + "p3LmZ"),
    # a scheme-relative URL's user and password: still read, unlike a URL's host and port
    ("deploy/env.sh", "PASSWORD_URL=//password:Kq8vT2m" + "Wx9Lp3nQrT5@host", "Kq8vT2m" + "Wx9Lp3nQrT5@host"),
    # a Go driver's data source name with a password in it
    ("db/open.go", '\tpassword := "root:Kq8vT2m' + 'Wx9Lp3n@tcp(db:3306)/app"', "root:Kq8vT2m" + "Wx9Lp3n@tcp(db:3306)/app"),
    # a random value under a name that is no file's
    ("app/config.js", '  "credential": "Qm7/' + 'tLx2Vb9RkP4wZs8NcY3hJ6dF1gA5eU0oIqWmKr=",', "Qm7/" + "tLx2Vb9RkP4wZs8NcY3hJ6dF1gA5eU0oIqWmKr="),
    # OpenSSL's pass phrase given as itself (`pass:`), not where it is
    ("deploy/make-p12.sh", "openssl pkcs12 -in client.p12 -password p" + "ass:Xq7vLm2pR9w", "Xq7vLm2" + "pR9w"),
    # a translation catalogue's value with digits in it is typed, not translated
    ("config/locales/en.yml", "  smtp_password: Xq7vLm2" + "pR9w", "Xq7vLm2" + "pR9w"),
    # three names joined by colons, one of them random (not a no-auth test token)
    ("app/settings.py", "AUTH_TOKEN = 'admin:tenant:Kq8vT2m" + "Wx9Lp3n'", "admin:tenant:Kq8vT2m" + "Wx9Lp3n"),
    # a sigil before random characters is no scope binding
    ("app/auth.js", "const password = '=Xq7vLm2" + "pR9w';", "=Xq7vLm2" + "pR9w"),
    # "dev-only" before random characters: a development key, still a key
    ("Taskfile.yml", '  AUTH_API_KEY_PEPPER: "dev-only-Xq7vLm2' + 'pR9wKz3T"', "dev-only-Xq7vLm2" + "pR9wKz3T"),
    # a password typed into a form's field, named by its selector (matomo's UI tests, puppeteer)
    ("scripts/login.js", "    await page.type('.modal.open #currentPassword', 'Xq7#vLm2" + "pR9w');", "Xq7#vLm2" + "pR9w"),
    # a password of four camel-case words, one an acronym (leaky-repo's Robomongo settings)
    ("db/robomongo.json", '      "sshUserPassword" : "tealRedisSSHPass",', "tealRedisSSHPass"),
    # a configuration key's path and its default (squidex's test suite)
    ("tools/TestSuite/ClientWrapper.cs",
     '        options.ClientSecret = TestHelpers.GetAndPrintValue("config:client:secret", "kAdlsPqZcaxoStk2gJ' + 'AR7cRqkhHjAWXJljZPeWddwLZ=");',
     "kAdlsPqZcaxoStk2gJ" + "AR7cRqkhHjAWXJljZPeWddwLZ="),
    # a random key with `=` inside is no setting (supertokens' tests)
    ("src/test/java/io/supertokens/test/APIKeysTest.java", '        String apiKey = "hg40239oirjgBHD9450=Beew123-";',
     "hg40239oirjgBHD9450=Beew123-"),
    # one setting whose value is a secret's, under a secret's name
    ("app/settings.py", 'AUTH_TOKEN = "bearer=Kq8vT2mWx9Lp4RzY7nC2"', "bearer=Kq8vT2mWx9Lp4RzY7nC2"),
    # a dollar a .env file holds literally, or a script escapes, is the password's own
    (".env", 'DB_PASSWORD="Xk29$dmQpL7vR"', "Xk29$dmQpL7vR"),
    ("deploy.sh", 'PASSWORD="Pa\\$word9Xk2Lm"', "Pa\\$word9Xk2Lm"),
    # and one of whose settings holds a secret is found
    ("backend/certbot/dns-plugins.json",
     '\t\t"credentials": "dns_porkbun_key=Kq8vT2mWx9Lp4RzY7nC1\\ndns_porkbun_secret=your-porkbun-api-secret",',
     "dns_porkbun_key=Kq8vT2mWx9Lp4RzY7nC1\\ndns_porkbun_secret=your-porkbun-api-secret"),
    # a random client secret shaped like a header's name (hydra's OpenID certification logs)
    ("internal/certification/OP-Registration.txt", '    "client_secret": "VXXN-IucrFts",', "VXXN-IucrFts"),
    # a user's name and a password joined by a colon is no secret store's name
    ("ci/secrets.env", "BASIC_AUTH_PASSWORD=deploy-bot:kqvtmwxlprzyab", "deploy-bot:kqvtmwxlprzyab"),
    # and a secret's setting written with a literal value is found
    ("app/Console/Commands/Setup.php", """    file_put_contents($path, str_replace('JWT_SECRET=', "JWT_SECRET=Kq8vT2mWx9Lp4RzY7nB8", $c));""",
     "JWT_SECRET=Kq8vT2mWx9Lp4RzY7nB8"),
    # a user and a password joined by a colon is no key's prefix
    ("app/config.py", 'BASIC_AUTH_PASSWORD = "deploy:kq8vt2mwx9lp4rzy"', "deploy:kq8vt2mwx9lp4rzy"),
    # a password that starts with `@` is still one
    ("Pages/Index.cshtml", "    let dlToken = '@Vi3kd9QmT7xLp2Rw';", "@Vi3kd9QmT7xLp2Rw"),
    # a JavaScript object's key in quotes, as a value a conditional chooses does not start one
    ("src/config.js", "const conf = {'password': 'Kq8vT2mWx9Lp4RzY7nA1'}", "Kq8vT2mWx9Lp4RzY7nA1"),
    ("config/app.yml", "? 'password' : 'Kq8vT2mWx9Lp4RzY7nA2'", "Kq8vT2mWx9Lp4RzY7nA2"),
    # Android's Gradle builds: a String field's value in escaped quotes (Groovy, Kotlin), a resource
    ("app/build.gradle", 'buildConfigField "String", "API_KEY", "\\"Kq8vT2mWx9Lp4RzY7nB3\\""', "Kq8vT2mWx9Lp4RzY7nB3"),
    ("app/build.gradle", "buildConfigField 'String', 'CLIENT_SECRET', '\"Kq8vT2mWx9" + "Lp4RzY7nB4\"'", "Kq8vT2mWx9" + "Lp4RzY7nB4"),
    ("app/build.gradle.kts", '    buildConfigField("String", "API_TOKEN", "\\"Kq8vT2mWx9Lp4RzY7nB5\\"")', "Kq8vT2mWx9Lp4RzY7nB5"),
    ("app/build.gradle", 'resValue "string", "maps_api_key", "Kq8vT2mWx9Lp4RzY7nB6"', "Kq8vT2mWx9Lp4RzY7nB6"),
    # an STS session token: its `//////////` is one gap, not the folders of a path
    ("deploy/env.sh", 'export AWS_SESSION_TOKEN="FwoGZXIvYXdzEOnV6ye//////////wEa9P3pFIEH9FzHZfJrBniKpdY8txzLkm30fde4bhIl"',
     "FwoGZXIvYXdzEOnV6ye//////////wEa9P3pFIEH9FzHZfJrBniKpdY8txzLkm30fde4bhIl"),
    # a password may be words in Pascal case (only a token's or a key's name rules them out)
    ("app/settings.py", 'DB_PASSWORD = "SummerVacation"', "SummerVacation"),
    ("config/app.json", '  "password": "Jobs[1].Kq8vT2mWx9",', "Jobs[1].Kq8vT2mWx9"),
    # Python
    ("app/settings.py", 'DB_PASSWORD = "Kq8vT2mWx9Lp&3nRzY"', "Kq8vT2mWx9Lp&3nRzY"),
    # an @ in a password with no domain after it is no e-mail address
    ("app/settings.py", 'DB_PASSWORD = "Kq8v@T2mWx9Lp"', "Kq8v@T2mWx9Lp"),  # credfence: allow (a test value)
    # a user:password pair is no IAM action: its password is not a verb and words
    ("app/settings.py", 'DB_AUTH_PASSWORD = "admin:Getaway2024!"', "admin:Getaway2024!"),  # credfence: allow (a test value)
    # Oracle's user/password: one slash, lower case, is still a password
    ("app/settings.py", 'DB_PASSWORD = "scott/tq9vkx2m"', "scott/tq9vkx2m"),
    # a generated Django key whose random characters happen to read `%(` or `$(` (no slot)
    ("app/settings.py", "SECRET_KEY = 'django-insecure-4k!w%(q8z=m2x$(v7r^p0t&y9_u3n*s6e+l1o#h-j5c)b'",
     "django-insecure-4k!w%(q8z=m2x$(v7r^p0t&y9_u3n*s6e+l1o#h-j5c)b"),
    ("app/settings.py", "    password: str = 'Xk2#pL9vQz7w'", "Xk2#pL9vQz7w"),
    ("app/db.py", 'connect(host="db", password="Zx9#mQ2pLk")', "Zx9#mQ2pLk"),
    ("app/db.py", 'cfg = {"api_key": "a8Fk29sLq0ZmXr7TbV3n"}', "a8Fk29sLq0ZmXr7TbV3n"),
    ("app/db.py", 'PASSWORD = os.environ.get("PASSWORD", "at5G6zi!mQ")', "at5G6zi!mQ"),
    ("app/db.py", 'secret = os.getenv("APP_SECRET") or "Hq7vN2kLp9XwR4tZ"', "Hq7vN2kLp9XwR4tZ"),
    ("app/db.py", 'dsn = "Server=db1;Database=app;User Id=sa;Password=Zx9#mQ2pLk;"', "Zx9#mQ2pLk"),
    ("app/db.py", "contraseña = 'Zx9mQ2pLk1'", "Zx9mQ2pLk1"),
    # JavaScript / TypeScript
    ("web/config.ts", "const apiKey: string = 'a8Fk29sLq0ZmXr7T';", "a8Fk29sLq0ZmXr7T"),
    ("web/config.ts", 'export const API_TOKEN = "f7Hk2Lm9Qx4Tz8Wv3Np6";', "f7Hk2Lm9Qx4Tz8Wv3Np6"),
    ("web/config.js", "  password: 'Zx9#mQ2pLk',", "Zx9#mQ2pLk"),
    ("web/config.js", 'if (password !== "PaS5w0rD2#x") {', "PaS5w0rD2#x"),
    ("deploy/app.yml", 'password: "app:Xq7vR2kP9wLm@db.acme.io"', "app:Xq7vR2kP9wLm@db.acme.io"),
    # Go
    ("cmd/main.go", 'password := "n84ASM54y4"', "n84ASM54y4"),
    ("cmd/main.go", "\tToken: `Hq7vN2kLp9XwR4tZ`,", "Hq7vN2kLp9XwR4tZ"),
    # the name and a short number is a weak password, still a password (leaky-repo's Ventrilo server)
    ("ventrilo_srv.ini", "AdminPassword=AdminPassword123", "AdminPassword123"),
    # Go declares `name Type = value`: the value after the type
    ("cmd/main.go", 'var apiToken string = "Hq7vN2kLp9XwR4tZ"', "Hq7vN2kLp9XwR4tZ"),
    ("cmd/main.go", '\tapiToken   string = "Hq7vN2kLp9XwR4tZ"', "Hq7vN2kLp9XwR4tZ"),
    # Java / Kotlin
    ("src/Db.java", 'private static final String PASSWORD = "exord13Paw64";', "exord13Paw64"),
    ("src/Db.java", 'ds.setPassword("Zx9#mQ2pLk");', "Zx9#mQ2pLk"),
    ("src/Db.kt", 'val passwd: String = "cq2tPr1a2x"', "cq2tPr1a2x"),
    # Ruby / PHP
    ("config/db.rb", "  :password => 'Zx9#mQ2pLk',", "Zx9#mQ2pLk"),
    ("config/db.php", "define( 'DB_PASSWORD', '2Arh5dA1Sn0ywiVYdnpwr3a' );", "2Arh5dA1Sn0ywiVYdnpwr3a"),
    # a variable named by the secret word alone: `$password` is one name, not `$p` and `assword`
    ("config/db.php", '$password = "Xk9mPq2Lw";', "Xk9mPq2Lw"),
    ("lib/Db.pm", "my $passwd = 'Rb7vTq2Wz';", "Rb7vTq2Wz"),
    # YAML / INI / TOML / properties / dotenv
    ("deploy/app.yml", "  password: Ce7shE0ENPiBlE_EdEose0cBAA", "Ce7shE0ENPiBlE_EdEose0cBAA"),
    ("deploy/app.ini", "password = s3cr3tP4ss!x", "s3cr3tP4ss!x"),
    ("deploy/secrets.yaml", '  db-password: "VHE5dkwyeFI3bVc0bks4eg=="', "VHE5dkwyeFI3bVc0bks4eg=="),
    # an annotation's key is a key; the value after it is judged (not cut at the key's `/`)
    ("k8s/ingress.yml", '    example.com/api-token: "Tq9vL2xR7mW4nK8z"', "Tq9vL2xR7mW4nK8z"),
    ("deploy/app.toml", 'api_token = "f7Hk2Lm9Qx4Tz8Wv3Np6"', "f7Hk2Lm9Qx4Tz8Wv3Np6"),
    ("deploy/app.properties", "spring.datasource.password=Wq8#nZ3vKp", "Wq8#nZ3vKp"),
    (".env", "SMTP_PASSWORD=Wq8nZ3vKp2xY", "Wq8nZ3vKp2xY"),
    # shell, Dockerfile, command lines
    ("bin/run.sh", "export API_TOKEN=f7Hk2Lm9Qx4Tz8Wv3Np6", "f7Hk2Lm9Qx4Tz8Wv3Np6"),
    ("bin/run.sh", "mysql -u root -pS3cretPw1x app", "S3cretPw1x"),
    ("bin/run.sh", "curl --password 'Zx9mQ2pLk1' https://host", "Zx9mQ2pLk1"),
    ("Dockerfile", "ENV DB_PASSWORD Wq8nZ3vKp2xY", "Wq8nZ3vKp2xY"),
    # SQL, XML, other languages' labels
    ("db/init.sql", "CREATE USER app WITH PASSWORD 'Wq8nZ3vKp2xY';", "Wq8nZ3vKp2xY"),
    ("db/init.sql", "ALTER USER 'app'@'%' IDENTIFIED BY 'Wq8nZ3vKp2xY';", "Wq8nZ3vKp2xY"),
    ("conf/settings.xml", "<password>Wq8nZ3vKp2xY</password>", "Wq8nZ3vKp2xY"),
    # one token and one password among other elements on a minified line: still settings
    ("conf/settings.xml", "<servers><server><id>a</id><password>Wq8nZ3vKp2xY</password></server><server><id>b</id>"
     "<token>Hk3dP9" + "sLq2Zw</token></server></servers>", "Wq8nZ3vKp2xY"),
    ("notes/access.txt", "пароль: Zx9mQ2pLk1", "Zx9mQ2pLk1"),
    ("notes/access.txt", "密码=Zx9mQ2pLk1", "Zx9mQ2pLk1"),
    ("notes/access.txt", "Passwort: Zx9#mQ2pLk", "Zx9#mQ2pLk"),
    # spellings of password, compounds ending in pass, two-word prose labels
    ("notes/access.txt", "PSSWD:=FlUgH8sKeqw2pL9", "FlUgH8sKeqw2pL9"),
    ("notes/access.txt", "pswrd = Wq8nZ3vKp2xY", "Wq8nZ3vKp2xY"),
    ("deploy/app.yml", "MYSQLPASS: Ce7shaB9xqLeRT27dD2", "Ce7shaB9xqLeRT27dD2"),
    ("notes/access.txt", "Secret Key:AIhq5XgRYeKfaB3w", "AIhq5XgRYeKfaB3w"),
    ("notes/access.txt", "Authentication key: AIhq5XgRYeKfaB3w", "AIhq5XgRYeKfaB3w"),
    # a line of several label:value pairs; a literal before a trailing comment in an unknown format
    ("notes/access.txt", "password:dipPr145Gg! username:master", "dipPr145Gg!"),
    ("notes/access.txt", "ANYid:master pw:dipPr194Gg! ip:98.76.54.32", "dipPr194Gg!"),
    ("notes/snippet", 'val password: String = "exordiumK1", // scala', "exordiumK1"),
    # a quoted literal followed by the next pair without a comma: shell, attributes, a slip in code
    ("bin/db.sh", 'mysql user="root" password="Kq8vT2mWx9Lp" host=db1', "Kq8vT2mWx9Lp"),
    ("mail/send.py", 'def send(user="a@b.c", password="Zx9mQ2pLk1wE" host="smtp.b.c"):', "Zx9mQ2pLk1wE"),
    # a user and a password under one joined label: the secret is the password part alone
    ("notes/access.txt", "ID/PW:master/iPp0@GRq", "iPp0@GRq"),
    ("notes/access.txt", "user/pass: bob/Zx9mQ2pLk1", "Zx9mQ2pLk1"),
    # any flag whose name is secret-bearing: compound names, PowerShell's single dash
    ("bin/run.sh", "initdb --superuser-password Zx9mQ2pLk1wE -D /data", "Zx9mQ2pLk1wE"),
    ("bin/run.ps1", "New-LocalUser -Name bob -Password Zx9mQ2pLk1wE", "Zx9mQ2pLk1wE"),
    ("bin/run.sh", "gpg --batch --passphrase Zx9mQ2pLk1wE --symmetric f", "Zx9mQ2pLk1wE"),
    ("bin/run.sh", "oidc-cli login --secret Zx9mQ2pLk1wE --id app", "Zx9mQ2pLk1wE"),
    # a colon-joined line that is no ARN or URN (CredSweeper's doc_passwd_pair sample)
    ("doc_passwd_pair", "Zx9mQ2#@:password:Zx9mQ2#@", "Zx9mQ2#@"),
    ("bin/run.sh", 'tool --oauth-token "eZs2fK9qLmN3pR7tV1xY5zA8b"', "eZs2fK9qLmN3pR7tV1xY5zA8b"),
    ("bin/run.sh", '    --oauth2-bearer "eZs2fjkjL9xQm3vT8wRz4pKd==" \\', "eZs2fjkjL9xQm3vT8wRz4pKd=="),
    ("conf/auth.json", '"authorization": "aMgHAgIKhwLgZq3Xk9vT2pR8wL5m"', "aMgHAgIKhwLgZq3Xk9vT2pR8wL5m"),
    # a command in a README that the next line continues: the backslash ends the line, not the
    # value (noseyparker's Particle example)
    ("README.md", "curl -d access_token=38bb7b318cc6898c80317decb34525844bc9db55 \\", "38bb7b318cc6898c80317decb34525844bc9db55"),
    ("docs/setup.txt", "  -d client_secret=Xk29fjQ0pLm3Vn84hsK2qWe7Pq73ndL5 \\", "Xk29fjQ0pLm3Vn84hsK2qWe7Pq73ndL5"),
    # Helm's --set takes pairs joined by commas, their names dotted: the value ends at the next
    ("deploy/install.sh", "helm install db bitnami/mysql --set auth.rootPassword=Xk29fjQ0pLm3Vn84,auth.database=app",
     "Xk29fjQ0pLm3Vn84"),
    # Gradle/Groovy DSL without parentheses; a shell assignment before a command
    ("build.gradle", '            password "Hq7vN2kLp9XwR4tA"', "Hq7vN2kLp9XwR4tA"),
    ("bin/run.sh", "PGPASSWORD=Zx9mQ2pLk1wE psql -h db -U app", "Zx9mQ2pLk1wE"),
    ("pkg/app.spec", "%global db_password Zx9mQ2pLk1wE", "Zx9mQ2pLk1wE"),
    # tools whose one-letter flag takes the password (their manuals)
    ("bin/run.sh", "redis-cli -h cache -a Zx9mQ2pLk1wA ping", "Zx9mQ2pLk1wA"),
    ("bin/run.sh", 'sqlcmd -S db -U sa -P Zx9mQ2pLk1wB -Q "select 1"', "Zx9mQ2pLk1wB"),
    ("bin/run.sh", 'ldapsearch -x -D "cn=admin,dc=acme,dc=io" -w Zx9mQ2pLk1wC -b dc=acme,dc=io', "Zx9mQ2pLk1wC"),
    ("bin/run.sh", "zip -r -P Zx9mQ2pLk1wE backup.zip data/", "Zx9mQ2pLk1wE"),
    ("bin/run.sh", "7z a -pZx9mQ2pLk1wF backup.7z data/", "Zx9mQ2pLk1wF"),
    ("bin/run.sh", "smbclient //fs/share -U deploy%Zx9mQ2pLk1wG", "Zx9mQ2pLk1wG"),
    ("bin/run.sh", "sqlplus scott/Zx9mQ2pLk1wH@orcl @script.sql", "Zx9mQ2pLk1wH"),
    # .NET appSettings; a user and a password passed together to a documented API
    ("web.config", '<add key="SmtpPassword" value="Zx9mQ2pLk1wE" />', "Zx9mQ2pLk1wE"),
    # an attribute is a value when its element has no `value` beside it
    ("conf/auth.xml", '<auth token="Zx9mQ2pLk1wE" user="bob"/>', "Zx9mQ2pLk1wE"),
    ("app/api.py", 'requests.get(url, auth=HTTPBasicAuth("deploy", "Zx9mQ2pLk1wK"))', "Zx9mQ2pLk1wK"),
    ("app/api.py", 'r = httpx.get(url, auth=("deploy", "Zx9mQ2pLk1wJ"))', "Zx9mQ2pLk1wJ"),
    ("app/mail.py", 'server.login("alerts@acme.io", "Zx9mQ2pLk1wL")', "Zx9mQ2pLk1wL"),
    ("src/Client.cs", 'var c = new NetworkCredential("svc", "Zx9mQ2pLk1wM");', "Zx9mQ2pLk1wM"),
    # a password with brackets, comparison signs or an equals sign is still one
    ("app/settings.py", 'DB_PASSWORD = "Zx9mQ[2024]pLk"', "Zx9mQ[2024]pLk"),
    ("app/settings.py", 'DB_PASSWORD = "Zx9mQ==2pLk1w"', "Zx9mQ==2pLk1w"),
    # random text with a hyphen or a dot is not a header's or a property's name
    ("app/settings.py", 'API_TOKEN = "BYeWZwY-SUxPqLmT"', "BYeWZwY-SUxPqLmT"),
    ("app/settings.py", 'API_TOKEN = "tKFXdjZADh.gpXcTKggBq"', "tKFXdjZADh.gpXcTKggBq"),
    # a single-file component's script is JavaScript: its string literals are values
    ("web/src/Login.svelte", "  let password = 'Zx9#mQ2pLk7';", "Zx9#mQ2pLk7"),
    ("web/src/Settings.vue", '      apiKey: "a8Fk29sLq0ZmXr7TbV3n",', "a8Fk29sLq0ZmXr7TbV3n"),
    # a password with a slash and a dot, mixing capitals and digits, is not a path
    ("app/settings.py", 'DB_PASSWORD = "Xk9/aB3qQz.ab12"', "Xk9/aB3qQz.ab12"),
    # base64 of a password that is no stand-in
    ("deploy/secrets.yaml", "  secretkey: aDRyZF90MF9nM3NzXzk4Mw==", "aDRyZF90MF9nM3NzXzk4Mw=="),
    # a password that starts like a CSS id, but is no words; a hex password written anywhere
    # but a user table's row
    ("app/config.php", "    'password' => '#Zq8vN2kLp9Xw',", "#Zq8vN2kLp9Xw"),
    ("app/config.php", "    'password' => '#Kq8_vN2k_Lp9',", "#Kq8_vN2k_Lp9"),
    ("deploy/app.env", "DB_PASSWORD=4f9c2e7a1b8d3f6e0a5c9b2d7e4f1a8c", "4f9c2e7a1b8d3f6e0a5c9b2d7e4f1a8c"),
    # a password that starts with `!` but is not Django's unusable one (39 characters)
    ("app/fixture.json", '    "password": "!Kq8vN2wXLp9zRt4YmB7cHd3JfG6sA1eUoWi0Pn",', "!Kq8vN2wXLp9zRt4YmB7cHd3JfG6sA1eUoWi0Pn"),
    # a literal in a Ruby signature file is still a literal
    ("rbi/app/config.rbi", '  PASSWORD = "Kq8vN2wXLp9zRt4Ym"', "Kq8vN2wXLp9zRt4Ym"),
    ("src/app.coffee", "  password = 'Kq8vN2wXLp9zRt4Ym'", "Kq8vN2wXLp9zRt4Ym"),
    # a provider's name and its key joined by a colon are a value (kingfisher's openweather sample)
    ("conf/app.ini", "apikey=openweather:" + "d4c1e9a07b3f52e86a0d9c7b1e4f2a63", "openweather:d4c1e9a07b3f52e86a0d9c7b1e4f2a63"),
    # the same value as the field's own value is a value
    ("app/authentication/gitlab/form.tsx", '      value: "gloas-' + hashlib.sha256(b"a form").hexdigest() + '",',
     "gloas-" + hashlib.sha256(b"a form").hexdigest()),
    # a value with dots but not a scope name's words; a colon-ended value that is one random part
    ("app/settings.py", 'API_TOKEN = "Kq8vT2.mWx9Lp4R.zQ7"', "Kq8vT2.mWx9Lp4R.zQ7"),
    ("app/settings.py", 'API_TOKEN = "kq8vT2mWx9Lp4R:"', "kq8vT2mWx9Lp4R:"),
    # a provider's password that opens with a parenthesis or ends with one is still a password
    ("deploy/app.env", "SNOWFLAKE_PASSWORD=(Kq8vT2m" + "Wx9Lp4R", "(Kq8vT2mWx9Lp4R"),
    ("deploy/app.env", "SNOWFLAKE_PASSWORD=Kq8v.T2m" + "Wx9Lp4R(", "Kq8v.T2mWx9Lp4R("),
    # a query whose value has a dollar sign in it is still a value
    ("app/settings.py", 'TOKEN_QUERY = "?access_token=$Kq8vT2m#Wx9Lp4R"', "?access_token=$Kq8vT2m#Wx9Lp4R"),
    # a value under the name's namespace that is no word is still a value
    ("app/settings.py", '("app:password", "app:Kq8vT2m#Wx9Lp4R")', "app:Kq8vT2m#Wx9Lp4R"),
    # a word with digits under a password's name is a password; one with three digits is no name
    ("app/settings.py", 'ADMIN_PASSWORD = "admin1Password"', "admin1Password"),
    ("app/settings.py", 'API_TOKEN = "a1b2c3FooToken"', "a1b2c3FooToken"),
    # defuse/php-encryption's key in its saved form (def00000...) is the key itself
    ("app/config/key.php", 'define("ENCRYPTION_SECRET", "def00000' + hashlib.sha256(b"a key").hexdigest()
     + hashlib.sha1(b"a key").hexdigest() + '");',
     "def00000" + hashlib.sha256(b"a key").hexdigest() + hashlib.sha1(b"a key").hexdigest()),
    # base64 of a whole JSON object under a key's name is a key still (Grafana's API keys
    # are base64 of {"k":...,"n":...,"id":...}); only a JWT header cut short is none
    ("conf/grafana.ini", "api_key = eyJrIjoiWHE4dlQybVd4OUxwNFJ6WTduQjdj" + "M0QiLCJuIjoiZGVwbG95IiwiaWQiOjF9",
     "eyJrIjoiWHE4dlQybVd4OUxwNFJ6WTduQjdj" + "M0QiLCJuIjoiZGVwbG95IiwiaWQiOjF9"),
]

NEGATIVE = [
    # an SDK model's type names, long ones and with And; a test's stand-in in double angle brackets
    ("src/oci/models/bundle.py", "            'certificate_private_key': 'DatabaseApiGatewayConfigCertificatePrivateKeyFileName'"),
    ("src/oci/models/member.py", "            'destination_encryption_key': 'CreateVaultAndEncryptionKeyDetails'"),
    ("src/pages/upload.tsx", '  if (token === "<<staging-auth-token2>>") {'),
    # PowerShell's value of a command where a parameter takes the password
    ("scripts/cert.ps1", "Export-PfxCertificate -Cert $cert -FilePath c.pfx -Password (ConvertTo-SecureString -String $pw -Force -AsPlainText)"),
    ("scripts/deploy.ps1", "New-LocalUser -Name svc -Password (Read-Host -AsSecureString)"),
    # a Windows batch file's variable expanded late with a substitution: a reference to it
    ("build/download_blob.cmd", "set sasToken=!AZURE_STORAGE_SASTOKEN:%%3A=:!"),
    # a value saying when it is to be changed; a range of versions of a package whose name
    # names a credential (an npm dependency's caret and tilde ranges)
    ("app/settings.py", 'SECRET_KEY = "Change-For-Production!"'),
    ("app/settings.py", 'SECRET_KEY = "replace_before_release_7Qx"'),
    ("deploy/app.env", "JWT_SECRET=change_before_deploy_Xk9"),
    ("packages/core/package.json", '    "@aws-sdk/credential-provider-web-identity": "^3.0.0-preview.11",'),
    ("packages/core/package.json", '    "secret-handshake": "~1.2.3-beta.4",'),
    # an Amazon Resource Name names a resource, a secret in Secrets Manager too: under a
    # name that ends in Arn (a CDK stack's props), or as the value of a password's name
    ("cdk/bin/app.ts", "  dbClusterSecretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:AppDbSecret-Q7xK2m',"),
    ("deploy/settings.py", 'DB_PASSWORD = "arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:prod/db-Ab12Cd"'),
    # a JWT's header cut short in a sample request ({"alg":"RS256","kid":"Mq7wPz, and the
    # same with its last character cut between two bytes)
    ("events/request.json", '    "Authorization": "eyJhbGciOiJSUzI1NiIsImtpZCI6Ik1xN3dQeg",'),
    ("events/request.json", '    "authToken": "eyJhbGciOiJSUzI1NiIsImtpZCI6Ik1xN3dQegZ",'),
    # names with a digit or two in their words are names still (_random_parts)
    ("app/settings.py", "token_backend = 'python3-pip-lib2to3'"),
    ("deploy/app.env", "SECRET_STORE=AWS_S3_BUCKET_V2"),
    ("config/app.yaml", "  tls_secret: my-secret-7f9c8d6b5k"),
    # a name only ending in `key`: a map's, a store's or a database's key, a digest, an id,
    # a name, or a bare `key` (_random_key, _NOT_KEY_HEAD)
    ("app/cache.py", 'cache_key = "u1x9k2m3p4q5r6s7t8v9w0"'),
    ("app/cache.py", 'etag_key = "d41d8cd98f00b204' + 'e9800998ecf8427e"'),
    ("app/jobs.py", 'idempotency_key = "3f2a9c1b-8d7e-4f6a-9b5c-2d1e0f9a8b7c"'),
    ("app/jobs.py", 'retry_key = "4a7e2c9b-1f3d-4e8a-b6c5-0d9f8e7a6b5c"'),
    ("app/models.py", 'sa_dataclass_metadata_key = "dataclass_metadata_key_v2"'),
    ("app/ui.js", '  key: "kq7zX2mW9pL4rT8vB3nY6cH1",'),
    ("config/app.yaml", '  sort_key: "kq7zX2mW9pL4rT8vB3nY6cH1"'),
    ("config/app.yaml", '  signing_key_path: "kq7zX2mW9pL4rT8vB3nY6cH1"'),
    # a Web Push (VAPID) public key under an application's key (firebase-js-sdk's messaging tests)
    ("test/static/index.html", "          applicationKey: 'BK1qQ-vu8lW1fRN_NwqLMWE7yTQdsGgNoX4U-VEFyNldW" + "ogxMmMlO0Xt09C6xbRt7eCOoWk7IASyot6RaCSpTXc',"),
    # bytes written as escapes, some no printable character: a protocol's field, a hash
    # (Responder's NTLM packets, hashcat's self-test values)
    ("RelayPackets.py", '        ("AnsiPasswd", "\\xe3\\xa7\\x10\\x56\\x58\\xed\\x92\\xa1\\xea\\x9d\\x55\\xb1"),'),
    ("src/modules/module_05510.c", 'static const char *ST_PASS = "\\xb4\\xb9\\xb0\\x2e\\x6f\\x09\\xa9\\xbd\\x76\\x0f\\x38\\x8b";'),
    # the name itself, ended by a C string's NUL (SAM constants in a Python port)
    ("cme/credentials/sam.py", '        NTPASSWORD = "NTPASSWORD\\0"'),
    # an f-string's call under a password flag
    ("nxc/modules/get_gpos.py", """    log(f"nxc smb {host} -u '{user}' -p '{process_secret(conn.password)}' --share SYSVOL")"""),
    # a YARA rule's regex string: inline flags and a bounded repeat of any character (deepfence's secret.yar)
    ("secret.yar", r'''$fb_secret = "(?i)(facebook|fb)(.{0,20})?(?-i)['"][0-9a-f]{32}['"]"'''),
    ("secret.yar", r'''$tw_secret = "(?i)twitter(.{0,20})?['"][0-9a-z]{35,44}['"]"'''),
    # a grep pattern's alternatives under a password's name (PEASS-ng's linpeas.sh)
    ("linPEAS/linpeas.sh", 'pwd_inside_history="7z|unzip|useradd|linenum|mkpasswd|PASSW|passw|root|sudo|^su|^ftp|^ssh|@"'),
    ("linPEAS/linpeas.sh", r'pwd_inside_history="7z\|unzip\|PASSW\|passw\|root\|sudo\|^su\|pkexec\|^ftp"'),
    # a media type under a token's name (go-github's preview media types)
    ("github/github.go", '\tmediaTypeRevokeTokenPreview = "application/vnd.github.gambit-preview+json"'),
    # Pascal's pointer type (Nim's bootstrap compiler): Pascal is code, an unquoted value a name
    ("nim/passes.pas", "  PPassContext = ^TPassContext;"),
    ("src/auth.dpr", "  PPasswordRec = ^TPasswordRec;"),
    ("github.cgi", "  my $github_secret2 = Bugzilla->github_secret"),
    # a query string of words shown as a cookie's value (Dancer2's POD)
    ("lib/Dancer2.pm", "    cookie token => 'name=Sawyer&username=xsawyerx';"),
    ("app/session.py", "token = 'user=alice&role=admin&id=42'"),
    # a class named with a standard's acronym and number (OpenZeppelin's Certora scripts link
    # a harness contract: `--link Wizard:token=ERC20VotesHarness`)
    ("certora/scripts/verifyAll.sh", "  --link WizardFirstPriority:token=ERC20VotesHarness \\"),
    ("src/net.py", "api_key = 'HTTP2ServerConfig'"),
    # a Grok pattern's capture in a log parser's rules (quickwit's grok rules.json)
    ("quickwit/quickwit-processing/src/transformers/grok/rules.json",
     '                "rule": "PWD=%{notSpace:system.pwd} ;"'),
    # a web route with a parameter segment (confidant's API paths)
    ("confidant/public/modules/common/constants.js", "        CREDENTIAL: 'v1/credentials/:id',"),
    ("confidant/public/modules/common/constants.js",
     "        BLIND_CREDENTIAL: 'v1/blind_credentials/:id',"),
    # a reference to a secret in Vault, its path and field (grafana's shared workflows,
    # `common_secrets: |`), and a Django migration's name paired with its app's label
    (".github/workflows/snyk-security-scan.yml", "            SNYK_TOKEN=snyk_scan_github_action:token"),
    (".github/workflows/release.yml",
     "            GRAFANA_ACCESS_POLICY_TOKEN=grafana_cloud_access_policy_" + "token:value"),
    ("engine/apps/auth_token/migrations/0007_serviceaccounttoken.py",
     "        ('auth_token', '0006_google" + "oauth2token'),"),
    # a key's text and its colon, as a syntax highlighter's token (uBlock's rule editor)
    ("platform/mv3/extension/js/rw-dnr-editor.js", "                    { token: 'excludedTopDomains:', after: '\\n    - ' },"),
    # a translation catalogue in a folder of strings, one file per locale (jellyfin-web)
    ("src/strings/nb.json", '    "LabelCertificatePassword": "Sertifikatpassord:",'),
    # a Java resource on the class path under a name saying a test passes (karate's LogReplayerTest)
    ("src/test/java/io/karatelabs/gatling/LogReplayerTest.java",
     '    private static final String PASS_FEATURE = "classpath:features/cats-create.feature";'),
    # a comparison's block opened on a placeholder, or on a map literal
    ("cmd/server/auth.go", '\tif password == "changeme" {'),
    ("cmd/server/auth.go", '\tpasswords := map[string]string{'),
    # a PSR-4 namespace's escaped backslash before its closing quote, not an escaped quote (teampass)
    ("composer.json", '            "TeampassWebSocket\\\\": "app/websocket/src/"'),
    # JSON inside a string built around a variable, or holding a placeholder
    ("src/main/java/Audit.java", '        log.info("{\\"token\\":\\"" + token + "\\"}");'),
    ("scripts/login.sh", 'curl -d "{\\"password\\": \\"<your-password>\\"}" https://api.acme.io'),
    ("pkg/skaffold/docker/auth_test.go", '\t\techo "{\\"Username\\":\\"<token>\\",\\"Secret\\":\\"TOKEN_$server\\"}"`).'),
    # a URL's host and port, named by variables a container's start script fills (metasfresh's nginx)
    ("docker/nginx/default.conf",
     "        proxy_pass MSV3_API_PROXYPASS_PROTOCOL://MSV3_API_PROXYPASS_HOST:MSV3_API_PROXYPASS_PORT/; "),
    # Telegram's Type Language schema: a field's type, set by a flag (mautrix-telegram's vendored gotd)
    ("pkg/gotd/_schema/tdesktop.tl", "auth.authorization#2ea2c0d4 flags:# tmp_sessions:flags.0?int "
     "future_auth_token:flags.2?bytes user:User = auth.Authorization;"),
    # an Erlang header's record, whose fields default to an atom (ejabberd's ELDAPv3.hrl)
    ("include/ELDAPv3.hrl", "userIdentity = asn1_NOVALUE, oldPasswd = asn1_NOVALUE, newPasswd = asn1_NOVALUE})."),
    # Swift's interpolation of a user and a password (vapor's BasicAuthorization)
    ("Sources/Vapor/BasicAuthorization.swift", '                let credentials = "\\(basic.username):\\(basic.password)"'),
    # Debian packages' versions, pinned under their names (openstack-ansible's scripts/)
    ("scripts/repo_config.yml", '    "libpam-smbpass": "2:4.1.6+dfsg-1ubuntu2"'),
    ("scripts/repo_config.yml", "  ssh-askpass-gnome: 1:6.6p1-2ubuntu2"),
    ("scripts/repo_config.yml", "  slapd-smbk5pwd: 2.4.31-1+nmu2ubuntu8"),
    # Swift's string interpolation (vapor)
    ("Sources/Vapor/Request+Session.swift", '            extendToken = "vapor:session-cookie:\\(cookieName)"'),
    # a JSON key and its colon, looked for in a response (domoticz's Harmony Hub client)
    ("hardware/HarmonyHub.cpp", '\tstd::string strAuthTokenTag = "UserAuthToken\\":\\"";'),
    # a Go driver's data source name without a password, under a name that says so (sqlc)
    ("internal/sqltest/native/mysql.go",
     '\turiNoPassword := "root@tcp(localhost:3306)/mysql?multiStatements=true&parseTime=true"'),
    ("db/open.go", '\tpassword := "root:password@tcp(db:3306)/app"'),
    # Radarr's and Prowlarr's UI: a Backbone view's events hash, naming tokens with their
    # format or an example, a date library's format tokens as a regex (sugar.js)
    ("src/UI/Settings/General/GeneralView.js", "        'click .x-copy-api-key'      : '_copyApiKeyToClipboard',"),
    ("frontend/src/Settings/MediaManagement/Naming/NamingModal.js", "      { token: '{absolute:000}', example: '001' },"),
    ("frontend/src/Search/QueryParameterModal.js", "  { token: '{ImdbId:tt1234567}', example: 'tt12345' },"),
    ("NzbDrone.Backbone/JsLibraries/sugar.js", "      token: 'f{1,4}|ms|milliseconds',"),
    # an environment variable's name whose `__` joins configuration sections (Duplicati)
    ("Duplicati/WindowsService/ServiceControl.cs",
     '        private const string ENV_WEBSERVICE_PASSWORD = "DUPLICATI__WEBSERVICE_PASSWORD";'),
    # a dotted name whose part ends in a two-letter word (cline's web view's storage key)
    ("app/page.tsx", 'const TOKEN_KEY = "cline.gatewayUi.token";'),
    # a format's signature (ollama's format/openssh.go)
    ("format/openssh.go", 'const privateKeyAuthMagic = "openssh-key-v1\\x00"'),
    # the key a browser's store keeps a value under (logto's console constants)
    ("packages/console/src/consts/index.ts",
     "export const generatedPasswordStorageKey = 'logto:admin_console:generated_password';"),
    ("src/auth/cache.ts", "const TOKEN_CACHE_KEY = 'myapp:session:access_token';"),
    # XML qualified names read in pairs (pysaml2's WS-Security fault codes)
    ("src/saml2/ws/wssec.py", "    c_value_type = {'base': 'xsd:QName', 'enumeration': ['wsse:UnsupportedSecurityToken', "
                              "'wsse:UnsupportedAlgorithm', 'wsse:InvalidSecurity', 'wsse:InvalidSecurityToken', "
                              "'wsse:FailedAuthentication', 'wsse:FailedCheck', 'wsse:SecurityTokenUnavailable']}"),
    # references, not values: Symfony's container parameters (mautic's config.php), Apple's
    # altool password references (fastlane's notarize action), PHP's braced interpolation
    ("app/bundles/CoreBundle/Config/config.php", "                        'api.password' => '%mautic.transifex_password%'"),
    ("config/packages/doctrine.php", "    'password' => '%env(DATABASE_PASSWORD)%',"),
    ("fastlane/lib/fastlane/actions/notarize.rb",
     '        cmd = "xcrun altool --notarize-app -u #{user} -p @env:FL_NOTARIZE_PASSWORD --output-format xml"'),
    ("scripts/notarize.sh", 'xcrun altool --notarize-app -u "$AC_USER" -p "@keychain:AC_PASSWORD" -f app.zip'),
    ("app/Entity/IpAddress.php", '$password = "{$auth[1]}";'),
    # a JSON value of names only (mautic's form conditions)
    ("app/bundles/EmailBundle/Form/Type/ConfigType.php",
     """        $apiKeyShowConditions = '{"config_emailconfig_mailer_transport":["mautic.transport.sparkpost"]}';"""),
    # a CSS custom property's name as a design token (flagsmith's stories)
    ("frontend/web/components/Theme.tsx", "                token: '--colorIconStandard',"),
    # validation rules with their arguments in brackets (CodeIgniter's user guide)
    ("app/Controllers/Form.php", "    'password' => 'required|max_length[255]|min_length[10]',"),
    ("app/Controllers/Form.php", "    'pass_confirm' => 'required|max_length[255]|matches[password]',"),
    # an Azure AD B2C user flow's name (Azure-Samples/ms-identity-python-webapp)
    ("app_config_b2c.py", 'resetpassword_user_flow = "B2C_1_passwordreset1"'),
    ("appsettings.json", '    "ResetPasswordPolicyId": "B2C_1A_PasswordReset",'),
    # a script's or PHP's double-quoted string that expands a variable (acme.sh's DNS API scripts)
    ("dnsapi/dns_aws.sh", '  kSecret="AWS4$AWS_SECRET_ACCESS_KEY"'),
    ("dnsapi/dns_lexicon.sh", '  eval Lx_password_v="\\$$Lx_password"'),
    ("src/Auth.php", '    $password = "pre${secretSuffix}Xk29";'),
    # a credentials file's template, settings joined by escaped newlines (nginx-proxy-manager)
    ("backend/certbot/dns-plugins.json",
     '\t\t"credentials": "dns_porkbun_key=your-porkbun-api-key\\ndns_porkbun_secret=your-porkbun-api-secret",'),
    ("global/certbot-dns-plugins.json", '\t\t"credentials": "dns_active24_token=TOKEN",'),
    ("backend/global/certbot-dns-plugins.js", "\t\tcredentials:     `dns_porkbun_key=your-porkbun-api-key"),
    # a Vue attribute bound after a quoted value (listmonk's settings pages)
    ("frontend/src/views/settings/security.vue",
     """    type="password" :disabled="!data['security.oidc']['enabled']" :maxlength="200" required>"""),
    # a secret's setting written with a variable's value: the line a command puts into .env (koel)
    ("app/Console/Commands/GenerateJWTSecret.php",
     """    file_put_contents($path, str_replace('JWT_SECRET=', "JWT_SECRET=$key", $content));"""),
    # an HTTP header's name whose parts join capitalised words; a cache key's prefix (jeecgboot)
    ("jeecg-boot/config/filter/WebsocketFilter.java", '    private static final String TOKEN_KEY = "Sec-WebSocket-Protocol";'),
    ("app/webhooks/gitlab.py", 'TOKEN_HEADER = "X-GitLab-Token"'),
    ("jeecg-boot/common/constant/CommonConstant.java",
     '    String PREFIX_USER_TOKEN_PC = "prefix_user_token:single_login:pc:";'),
    # a SQL statement a program builds: the password is a variable's or a constant's (roundcube)
    ("program/lib/MDB2/Driver/Manager/oci8.php", "$sql = 'ALTER USER '.$user.' IDENTIFIED BY '.DB_PASS_Q7.';';"),
    # a Razor page's expressions: the server writes the value there (Azure-Samples/openai)
    ("Pages/Index.cshtml", """    let dlToken = '@ViewData["WebChatToken"]';"""),
    ("Views/Home/Index.cshtml", "    const apiKey = '@Model.SpeechApiKey';"),
    ("Views/Shared/_Layout.cshtml", """  <meta name="token" content="@(Configuration["ClientToken"])" data-api-key='@(Configuration["ApiKey"])'>"""),
    # a conditional's two strings, not a key and its value (payload's translation keys)
    ("packages/ui/src/fields/ConfirmPassword/index.tsx",
     "  aria-label={t(showPassword ? 'fields:hidePassword' : 'fields:showPassword')}"),
    ("app/Views/login.rb", "label = visible ? 'auth.hidePassword' : 'auth.showPasswordNow'"),
    # the database's name as its password, as postgres is (Oracle's container images' default)
    ("docker/oracle/01_init.sql", 'CREATE USER typeorm IDENTIFIED BY "oracle" DEFAULT TABLESPACE typeormspace32;'),
    # a provider's name, a comma and a long name of words in Pascal case: tokio's re-exports
    ("tokio/src/sync/mod.rs", "    pub use semaphore::{Semaphore, SemaphorePermit, OwnedSemaphorePermit};"),
    ("gate/config/PagerDutyConfig.groovy",
     "  PagerDutyService pagerDutyService(Endpoint pagerDutyEndpoint, OkHttpClientProvider clientProvider) {"),
    # base64 of a sentence saying it must be replaced, with echo's newline (JHipster's .yo-rc.json)
    (".yo-rc.json", '    "jwtSecretKey": "bXktc2VjcmV0LWtleS13aGljaC1zaG91bGQtYmUtY2hhbmdlZC1pbi1wcm9kdWN0aW9uLWFuZC1iZS1iYXNlNjQtZW5jb2RlZAo=",'),
    # a hash of a secret, named so: detect-secrets' `hashed_secret`, a user table's hashed password
    ("users.json", '        "hashed_secret": "4ada9713ec27066b2ffe0b7bd9c9c8d635dc4ab2",'),
    ("app/models.py", 'hashedPassword = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"'),
    # a Gradle field whose value comes from the build's properties, or whose name is no secret's
    ("app/build.gradle", 'buildConfigField "String", "API_KEY", "\\"${apiKey}\\""'),
    ("app/build.gradle", 'buildConfigField "String", "API_KEY", "project.property(\'apiKey\')"'),
    ("app/build.gradle", 'buildConfigField "String", "BASE_URL", "\\"Kq8vT2mWx9Lp4RzY7nB7\\""'),
    # a single-file component (Svelte, Vue, Astro) is code, not configuration: pocketbase's
    # admin UI, `maskSecret = !!config.clientId`, `secret = crypto?.randomUUID`
    ("ui/src/components/S3Fields.svelte", "        maskSecret = !!originalConfig?.accessKey;"),
    ("ui/src/components/TokenField.svelte", "            secret = crypto?.randomUUID"),
    # a name that is a path of lower-case names (ory/kratos' AEAD context), and a URN (an
    # OAuth ACR value under a product named ...Pass)
    ("oryx/pagination/page_token.go", 'const pageTokenContext = "ory/keysetpagination_v2/page_token"'),
    ("selfservice/oidc/provider_uaepass.go",
     'const UAEPassACRWeb = "urn:safelayer:tws:policies:authentication:level:low"'),
    # a template's slots: Python's %(name)s, a shell's $(command)
    ("app/settings.py", 'DB_PASSWORD = "%(db_password)s"'),
    ("deploy/env.sh", 'export API_TOKEN="$(vault-read-token)"'),
    ("web/src/Settings.vue", "    const token = store.session.token"),
    # a relative path to a file of any type: grafana/helm-charts' jsonnet export manifest maps
    # each manifest file (one named for a Secret) to the file that made it
    ("exports/manifest.json", '    "v1.Secret-enterprise-metrics-minio.yaml": "environments/default/main.jsonnet",'),
    ("deploy/app.yml", "  token_template: templates/token.yaml.j2"),
    # base64 of a stand-in (`supersecret`) in a Secret manifest's data
    ("exports/v1.Secret-minio.yaml", "  secretkey: c3VwZXJzZWNyZXQ="),
    # ... and base64 of a lower-case name, the user half of the pair (`enterprise-metrics`)
    ("exports/v1.Secret-minio.yaml", "  accesskey: ZW50ZXJwcmlzZS1tZXRyaWNz"),
    # a name whose last word is one word for a name holds a name: jjwt's KeysBridge.java
    ("impl/KeysBridge.java",
     '    private static final String SUNPKCS11_GENERIC_SECRET_CLASSNAME = "sun.security.pkcs11.P11Key$P11SecretKey";'),
    # botocore's paginators: a token's name, a JMESPath to the next one; an AWS API
    # documentation string's query example (its \n escapes end a value); tox's factor-
    # conditional setting of another variable
    ("botocore/data/dynamodb/paginators-1.json", '      "input_token": "ExclusiveStartTableName",'),
    ("botocore/data/dynamodb/paginators-1.json", '      "input_token": "ExclusiveStartBackupArn",'),
    ("botocore/data/kinesis/paginators-1.json", '      "output_token": "StreamDescription.Shards[-1].ShardId",'),
    ("botocore/data/kinesis.json", '        "output_token": "StreamNames[-1]",'),
    ("botocore/data/iam.json", '    "documentation": "<queryrequest>\\nhttps://iam.amazonaws.com/\\n?Action=UpdateLoginProfile'
                               '\\n&UserName=Bob\\n&Password=NewPassword\\n&AUTHPARAMS\\n</queryrequest>",'),
    ("tox.ini", "    langchain-notiktoken: _TESTPATH=tests/integrations/langchain"),
    # a module's exported names, two of them: not a ("token", value) pair
    ("awx/main/models/oauth.py", "__all__ = ['OAuth2AccessToken', 'OAuth2Application']"),
    # a translation catalogue's text under a secret-sounding key (rubygems.org's locales);
    # a route's controller#action; Docker's build-secret options, which name the secret
    ("config/locales/de.yml", "        api_key_role: API-Schlüsselrolle"),
    ("config/locales/de.yml", "        oidc_api_key_role: OIDC-API-Schlüsselrolle"),
    ("config/locales/ja.yml", "      token_failure: URLを見返すか、再度送信してみてください。"),
    ("config/locales/ja.yml", "  api_key_soft_deleted: 正しくないAPIキーは使えません。削除して新規作成してください。"),
    ("config/routes.rb", '  get "/confirm_email/:token" => "email_confirmations#update", as: "confirm_email"'),
    ("script/build_docker.sh", "  --secret id=BUNDLE_PACKAGER__DEV \\"),
    ("ci/build.sh", "docker buildx build --secret id=npm_token,src=$HOME/.npmrc ."),
    ("build.earth", "\tRUN --secret GIT_PASSWORD=+secrets/GITHUB_TOKEN \\"),
    ("build.earth", "\tRUN --secret GIT_PASSWORD=+secrets/GITHUB_TOKEN"),
    # a chart's README: a stand-in, once the next pair is cut off it
    ("README.md", "  --set auth.rootPassword=secretpassword,auth.database=app_database \\"),
    ("files.md5", "  './modules/Users/GeneratePassword.php' => '0b9a5454d25bda8e317b96f7fc970db5',"),
    ("application/src/main/data/lwm2m-registry/3378.xml", "pass=1]]></Description>"),
    # a query's parameter in a folded YAML value ends at the next `&` (supabase's vector config)
    ("internal/utils/templates/vector.yaml", "    uri: >-\n      https://api.logflare.app/logs?api_key=logflare_api_key"
     "&source=logflare_source"),
    # an expression language's accessor, a method's call after its dot (gatling's ELCompiler)
    ("gatling-core/src/main/scala/io/gatling/core/session/el/ELCompiler.scala",
     '  case object AccessToJsonValue extends AccessToken { val token = ".toJsonValue()" }'),
    # Jenkins' encrypted hudson.util.Secret, as a job's config.xml keeps it
    ("pipeline/deploy.go", "      <apiToken>{AQAAABAAAAAw" + "Kq3vN8pLm2xR7tYw9ZbC4dF6gH1jS5kE0uI3oP8aQ2sD7fG9hJ4kL6zX1cV3bN5mM==}</apiToken>"),
    # rancher's settings: a name without its last word, a field's path ending in the name's words
    ("pkg/rancher/migrations.go", '\tmigrateHarvesterCloudCredentialExpirationConfig = "migrateharvestercloudcredentialexpiration"'),
    ("pkg/controllers/management/eks/eks_cluster_handler.go", '\tawsSecretKey        = "amazonec2credentialConfig-secretKey"'),
    # a Rust expression as a default's text (huggingface/tokenizers' pyo3 bindings)
    ("bindings/python/src/decoders.rs", '        word_delimiter_token = "String::from(\\"|\\")",'),
    # an annotated corpus: every word a <token> element (nltk's BioCreative PPI sentences)
    ("corpora/biocreative_ppi/bc_sentences.xml", '<sentence id="@@0034"> <token pos="DT">These</token> <token pos="JJ">'
     'human</token> <token pos="NNP">IFN-beta-' + 'transformed</token> <token pos="NN">cell</token>'),
    ("service/impl/UserServiceImpl.java", '        resources.setPassword("e10adc3949ba59abbe56e057f20f883e");'),
    ("template.yaml", "  SecretArn: arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db/Xk9q2LmZ7wRtQp-a1b2c3"),
    ("samtranslator/model/__init__.py", "    _SAR_APP_KEY = 'serverlessrepo:applicationId'"),
    ("pkg/appfile/template.go", '\tInsertSecretToTag = "+insertSecretTo="'),
    (".cloud-build/github-issue/ghcli-install.sh", "gh auth login --with-token <GH_token.txt"),
    ("frontend/app/features/administration/state/users.forms.ts",
     "                    ValidatorsEx.match('password', 'i18n:users.passwordConfirmValidationMessage')"),
    ("pkg/mapper/arm/config/auditing-policy.go", '\ttfStorageAccountAccessKey            = "storage_account_access_key,omitempty"'),
    ("checkov/common/image_scanner.py",
     '        command_args = f"./twistcli images scan --token {twistlock_integration.get_bc_api_key()} --details".split()'),
    ("integration/setup/companion-stack.yaml",
     """      SecretString: '{"username":"testBrokerUser","password":"testBrokerPassword"}'"""),
    ("pkg/provider/volcengine/client_test.go", '\tsecretValue := `{"user":"admin"}`'),
    ("apps/web/i18n.lock", "    environments/settings/profile/wrong_password: e3523f78b302d11b33af6cc40d8df9da"),
    ("rosco/providers/azure/AzureBakeHandler.groovy",
     '  private static final String SIG_IMAGE_ID_TOKEN = "ManagedImageSharedImageGalleryId: "'),
    ("integration/templates/all_policy_templates.yaml",
     "  Fn::Sub: arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:MyTestDatabaseSecret-a1b2c3"),
    ("admin-ui/static/js/14.js",
     'eval("var username = _jsCookie.default.get(\\"username\\");\\n\\n var password = _jsCookie.default.get(\\"password\\");\\n");'),
    (".github/workflows/publish.yml",
     '          ./gradlew -Pgradle.publish.secret="${GRADLE_PUBLISH_SECRET}" :spinnaker-gradle-project:publishPlugins'),
    ("lib/API/v8/route/oauth2Routes.php", "    $app->post('/access_token', 'OAuth2Controller:authenticate');"),
    ("routes/api.php", "Route::post('/token', 'Auth\\TokenController@issueToken');"),
    ("files.md5", "  './themes/SuiteP/images/Password.svg' => 'bd3e19df918ab20975fe05177e594c6f',"),
    ("tekton/release-run.log", "[unit-tests : unit-test]     --- PASS: TestValidate/from_resource_isn't_output_by_task (0.00s)"),
    ("release/Earthfile", "    RUN --secret GITHUB_TOKEN=ci-org/github/bot/token test -n \"$GITHUB_TOKEN\""),
    # an XML element whose name mentions a secret but names none: .NET's user-secrets store id
    ("src/Web/Web.csproj", "    <UserSecretsId>aspnet-Web-6B1EFE4D-B682-4543-93F5-69EE95000B1D</UserSecretsId>"),
    ("src/Web/Web.csproj", "    <UserSecretsId>231ddc1b-6787-4704-a0c0-18df6a022660</UserSecretsId>"),
    # .NET's PublicKeyToken identifies an assembly's public key
    ("Properties/DataSources/Demo.datasource",
     "   <TypeInfo>Demo.Entities, Model1.Designer.cs, Version=0.0.0.0, Culture=neutral, PublicKeyToken=null</TypeInfo>"),
    ("app/App.config", '<add key="PublicKeyToken" value="b77a5c561934e089" />'),
    # a URL's user:password@host without its scheme, its password a stand-in
    ("deploy/app.yml", 'password: "user:secret@localhost"'),
    # an HTTP header's or a signing algorithm's name (gofiber/fiber, minio/minio and its
    # vendored aliyun-oss-go-sdk)
    ("middleware/csrf/config.go", '\tTokenLookup: "header:X-CSRF-Token",'),
    ("oss/const.go", '\tHTTPHeaderOssSecurityToken               = "X-Oss-Security-Token"'),
    ("cmd/sts-handlers.go", '\tapiRouter.Methods("POST").HeadersRegexp("Authorization", "AWS4-HMAC-SHA256*").'),
    ("vendor/github.com/dnsimple/dnsimple-go/dnsimple/authentication.go", '\thttpHeaderApiToken      = "X-DNSimple-Token"'),
    # a property's or an error code's dotted name, a Kubernetes annotation's key (traefik/traefik)
    ("provider/kubernetes/annotations.go", '\tannotationKubernetesPassTLSCert:              "traefik.frontend.passTLSCert",'),
    ("sdk/errors/client_error.go", '\tUnsupportedCredentialErrorCode    = "SDK.UnsupportedCredential"'),
    # a cookie's or a field's name that names a secret (vercel/commerce)
    ("framework/saleor/const.ts", "export const SALEOR_CRSF_TOKEN = 'saleor.CSRFToken'"),
    ("framework/shopify/config.ts", "export const SHOPIFY_CUSTOMER_TOKEN_COOKIE = 'shopify_customerToken'"),
    ("old/provider/kubernetes/annotations.go", '\tannotationKubernetesAuthSecret = "ingress.kubernetes.io/auth-secret"'),
    # a JWT's header alone, {"alg":"HS256","typ":"JWT"}, signs nothing (outline/outline)
    ("server.js", "var validJwtToken = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';"),
    # a Vault audit log HMACs every secret it records (hashicorp/vault-guides)
    ("monitoring/vault-audit.log",
     '{"auth":{"client_token":"hmac-sha256:bd6dd75911924ab82f9dcfa7adae6b821423f0f6b02a5f00343247bde2671d67"}}'),
    # ASP.NET Core Identity's password hash in seed data (bitwarden/server), not a password
    ("util/Seeder/Factories/UserSeeder.cs",
     '            MasterPassword = "AQAAAAIAAYagAAAAEBATmF66OHMpHuHKc1CsGZQ1ltHUHyhYK+7e4re3bVFi16SOpLpDfzdFswnvFQs2Rg==",'),
    # a name about where the secret is: the secret's path in Vault (hashicorp/vault-guides)
    ("lambda/main.tf", '      VAULT_SECRET_PATH_DB = "database/creds/lambda-function",'),
    ("deploy/env.sh", 'export DB_PASSWORD_FILE_PROD="run/secrets/Db-Pass9"'),
    # a list of the fields that hold secrets (redash's query runners' schemas)
    ("redash/query_runner/snowflake.py", '            "secret": ["password", "private_key_File", "private_key_pwd"],'),
    # Python code: names, attributes, calls, types, constants (sqlalchemy, sympy, oauthlib shapes)
    ("lib/orm.py", "            passive=PASSIVE_NO_FETCH)"),
    ("lib/orm.py", "    password: Optional[str]"),
    ("lib/orm.py", "    token_lists: Sequence[Sequence[str]],"),
    ("lib/orm.py", "token = line[start:pos]"),
    ("lib/orm.py", "    identity_token=identity_token,"),
    ("lib/orm.py", "        token_placement=AUTH_HEADER):"),
    ("lib/orm.py", "TOKEN_EXECUTE = (STANDARD_RIGHTS_EXECUTE)"),
    ("lib/orm.py", "symbols_passed = symbols[:]"),
    ("lib/orm.py", "fiber_force_length_passive=FiberForceLengthPassiveDeGroote2016,"),
    ("lib/orm.py", 'DB_PASSWORD = os.environ["DB_PASSWORD"]'),
    ("lib/orm.py", 'token = f"{prefix}{Hq7vN2kLp9XwR4tZ}"'),
    ("lib/orm.py", 'password = "%(password)s" % params'),
    ("lib/orm.py", 'password = "{password}".format(password=p)'),
    ("lib/orm.py", 'password = "PASSWORD"'),
    ("lib/orm.py", 'pass_mask32 = "0x31c45018"'),
    ("lib/orm.py", '"secretKey": "ENC(2dfRFqV/cS6TzRd+JyO=)"'),
    ("lib/orm.py", 'request_headers = {"X-Auth-Token": "FooBarBazToken"}'),
    ("lib/orm.py", 'password = "Hq7vN2kLp9XwR4tZ" if debug else os.environ["PASSWORD"]'),
    # a password's hash as a server stores it; a JSONPath template; a PowerShell command
    ("conf/users.xml", "<secret>$1$ZsXC$zZ50wqBdZlgEhYhQ8sj2e0</secret>"),
    # an element's text built in code (getmoto/moto's EC2 response templates)
    ("moto/ec2/responses/instances.py", '<clientToken>ABCDE"""+ACCOUNT_ID+"""3</clientToken>'),
    ("deploy/users.yml", "password: $6$rounds=5000$saltsalt$D4IrlXatmP7rx3P3InaxBeoomnAihCKRVQP22JZ6EY47"),
    ("app/settings.py", 'ADMIN_PASSWORD_HASH = "pbkdf2_sha256$260000$abcdefgh12345678$Zq8vN2rT5wXyZq8vN2rT5wX="'),
    ("ldap/users.ldif", "userPassword: {SSHA}Zq8vN2rT5wXyZq8vN2rT5wXyAB=="),
    ("lib/gke.py", "    'token-key': '{.credential.access_token}',"),
    ("scripts/run.ps1", "$impersonation_token = Get-LimitedToken"),
    # Laravel: validation rules, and a route to a namespaced controller
    ("app/Http/Controllers/Auth/RegisterController.php", "            'password' => 'required|string|min:8|confirmed',"),
    ("app/Http/routes.php", "    'password' => 'Auth\\PasswordController',"),
    # a stand-in written as words for a secret (the postgres image's documented example)
    ("deploy/compose.yaml", "      - DATABASE_URL=postgres://postgres:mysecretpassword@db/postgres"),
    ("app/settings.py", 'SECRET_KEY = "my_super_secret_key"'),
    ("lib/orm.py", 'token = "Hq7vN2kLp9XwR4tZ" in allowed and x == 1'),
    # JavaScript / TypeScript / Go / Java / Ruby code
    ("web/a.ts", "  password: string;"),
    # a TypeScript declaration that starts like a shell `export` (saleor's dashboard)
    ("web/auth/mutations.ts", "export const TypedTokenAuthMutation: React.ComponentType<"),
    ("web/globals.d.ts", "declare const authToken: TokenProvider<Session>;"),
    # a CSS selector, a model's class, a plugin's entry point (jumpserver, ansible/awx)
    ("apps/assets/const/protocol.py", "    'password_selector': 'input[type=password]',"),
    ("awx/settings/defaults.py", "OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = 'oauth2_provider.AccessToken'"),
    ("setup.cfg", "aws_secretsmanager_credential = awx.main.credential_plugins.aws_secretsmanager:aws_secretmanager_plugin"),
    # a translated sentence holding a number (jumpserver's Japanese catalogue)
    ("apps/i18n/lina/ja.json", '  "TempPassword": "一時パスワードの有効期間は300秒で、使用後すぐに失効します",'),
    # an anti-forgery token is a nonce every browser is handed, no credential
    ("logs/app.log", "HTTP_COOKIE --> csrftoken=DNCBjEYS8DU3r76ViaGkjcWab1maXEhW7uDqYQcSeIgq26QtGknMhCgJbfpHQMe8"),
    ("web/settings.py", 'CSRF_TOKEN = "k3HxWq9Vz2Lr7TbN5Ym8Pc4Jd6Fs1Ga0"'),
    # Helm's Go templates: a variable bound to a value's path, a map key set by name (bitnami/charts)
    ("charts/web/templates/goss.yaml", "{{- $pwd := .Vars.secrets.localPassword }}"),
    ("charts/thanos/templates/secret.yaml", "{{- range $user, $password := .Values.auth.basicAuthUsers }}"),
    ("charts/dns/templates/_helpers.tpl", '{{- $_ := set $credentials "subscriptionId" .Values.azure.subscriptionId -}}'),
    # an image's name holding a secret word, before its tag (bitnami/charts, 50 high)
    ("charts/rabbitmq/Chart.yaml", "      image: docker.io/bitnami/rmq-default-credential-updater:1.0.2-debian-11-r14"),
    # the same image named in prose, where `name:tag` reads as a pair: the tag is a version
    ("docs/upgrade.md", "FROM docker.io/bitnami/rmq-default-credential-updater:1.0.2-debian-11-r14"),
    # web analytics IDs, in every page they measure (keycloak-quickstarts' GitBook configuration)
    ("book-product.json", '      "token": "UA-86203452-1"'),
    ("site/config.js", "  analyticsToken: 'G-Q3XK9ZP2LM',"),
    # the Secret an annotation names, as namespace/name (traefik's ingress-nginx fixtures)
    ("k8s/ingress.yml", '    nginx.ingress.kubernetes.io/auth-tls-secret: "default/ca-secret"'),
    # Helm's annotation that rolls pods when the Secret changes: a digest of it (opentelemetry-demo)
    ("kubernetes/demo.yaml", "        checksum/secret: bed677784356b2af7fb0d87455db21f077853059b594101a4f6532bfbd962a7f"),
    # tox factors named after a tokenizer library: a package's version, another variable's
    # setting; a string type annotation; generic types (getsentry/sentry-python, 236 high or medium)
    ("tox.ini", "    langchain-notiktoken-v0.3.28: langchain==0.3.28"),
    ("tox.ini", "    openai-notiktoken-latest: openai>=2.33.0,<3"),
    ("scripts/populate_tox/tox.jinja", "    langchain-notiktoken: TESTPATH=tests/integrations/langchain"),
    ("sentry_sdk/utils.py", '    authorization: "Optional[str]", url: "Optional[str]" = None'),
    ("sentry_sdk/integrations/openai.py", '    streaming_message_total_token_usage: "Optional[CompletionUsage]",'),
    ("web/auth.ts", "  accessToken: 'Promise<AccessToken>',"),
    # a TypeScript property marked readonly, not a shell's `readonly NAME=value` (code-server's VS Code)
    ("src/vs/credentials.ts", "\treadonly onDidChangePassword: Event<ICredentialsChangeEvent>;"),
    # a JWT signed with the key of every library's sample (`secret`): neither a token nor a value
    ("app/jws.py", "    token = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjo0Miwicm9sZSI6ImFkbWluIiwiZXhwIjoxODkzNDU2MDAwfQ"
                   ".xjadVv8Rv9qhewolaHdILUIXzsYjhJUocZ3wRYzNvUc'"),
    # a Secret's data: base64 of a stand-in
    ("charts/mariadb/secrets.yaml", '  mariadb-root-password: "bXktcm9vdC1wYXNzd29yZA=="'),
    ("web/a.ts", "const token = `Bearer ${t}`;"),
    ("web/a.js", "const password = req.body.password;"),
    ("cmd/a.go", "password := cfg.Password"),
    ("src/A.java", "private String password = getPassword();"),
    ("config/a.rb", "  password: ENV['DB_PASSWORD'],"),
    # configuration: references, environment variable names
    ("tox.ini", "passenv = CODECOV_TOKEN"),
    # a host's name: a Google OAuth client ID (public), an API gateway's (firebase/quickstart-android)
    ("app/src/main/java/SignIn.java",
     '        String idToken = "337894900145-7le4p7c893uqiks32g9begn0et0pu7h0.apps.googleusercontent.com";'),
    ("deploy/api.py", 'API_KEY_HOST = "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"'),
    # WSL's list of the variables shared with Windows, one of which says PASS (ansible-lint's CI)
    (".github/workflows/tox.yml", "      WSLENV: FORCE_COLOR:PYTEST_REQPASS:TOXENV:GITHUB_STEP_SUMMARY"),
    (".github/workflows/ci.yml", "      WSLENV: GOPATH/l:DB_PASSWORD/u:API_TOKEN"),
    ("deploy/a.yml", "  password: ${DB_PASSWORD}"),
    ("deploy/a.yml", "  token: GITHUB_TOKEN"),
    ("deploy/a.yml", "  password: !vault |"),
    ("bin/a.sh", 'export PASSWORD="$(cat /run/secrets/db)"'),
    # prose and documentation code
    ("docs/views.rst", "    password = request.form['password']"),
    ("docs/user/advanced.rst", "app_secret = 'YOUR_APP_SECRET'"),
    ("docs/testing.rst", "    return jsonify(token=generate_token(email, password))"),
    ("README.md", "the password is: stored in the vault"),
    # flags that name something about a secret, a flag followed by the next flag, prose
    ("bin/a.sh", "docker login --password-stdin --username bob"),
    ("bin/a.sh", "tool --token-ttl 3600 --no-password"),
    ("bin/a.sh", "tool --password --verbose"),
    ("bin/a.sh", 'tool --client-secret "$CLIENT_SECRET"'),
    ("notes/a.txt", "the password is Zx9mQ2pLk1 and the user: bob"),
    ("notes/a.txt", "password = a + b"),
    ("deploy/a.yml", "BYPASS: Ce7shaB9xqLeRT27dD2"),
    ("deploy/a.yml", "compass: Ce7shaB9xqLeRT27dD2"),
    ("deploy/a.yml", "auth_type: bearer"),
    ("app/oauth.py", 'authorization_code = "SplxlOBeZQQYbYS6WxSbIA"'),
    ("conf/auth.json", '"authorization": "required"'),
    ("docs/ode.txt", "that you can pass to :py:meth:`~sympy.solvers.ode.dsolve`:"),
    ("docs/ode.txt", "the password for :class:`~app.Login` is checked"),
    ("build.gradle", '    password project.findProperty("repoPassword")'),
    ("bin/a.sh", "PGPASSWORD=$DB_PASSWORD psql -h db"),
    ("pkg/app.spec", "%define keyring_dir /etc/keys"),
    ("bin/a.sh", "redis-cli -a $REDIS_PASSWORD ping"),
    # PHP's interpolation into a string: the value is read from an object at run time
    # (coolify's database actions and backup job)
    ("app/Actions/StartKeydb.php", """        'test' => "redis-cli -a {$this->database->keydb_password} ping","""),
    ("app/Jobs/Backup.php", """$c[] = "mysqldump -u root -p{$this->database->mysql_root_password} $db > $out";"""),
    ("app/Jobs/Backup.php", """$c[] = "mysqldump -u root -p\\"{$this->database->mysql_root_password}\\" --all-databases";"""),
    # the length a secret must have, then the words for it: an .env template's instruction
    ("apps/server/.env-template", 'COOLIFY_SECRET_KEY="32-character-long-secret-key"'),
    # Go's typed constant: the type says Authorization, the name is the constant's (portainer)
    ("api/portainer.go", '\tOperationK8sAccessNamespaceRead  Authorization = "K8sAccessNamespaceRead"'),
    ("api/portainer.go", 'const OperationAzureProviderGet Authorization = "AzureProviderGet"'),
    # `-p` alone asks for the password; the next flag is no value (snipe-it's installer)
    ("snipeit.sh", """        mysql -u root -p --execute="CREATE DATABASE snipeit;" """),
    # a form's label for either of two secrets (harness/gitness' strings)
    ("web/src/i18n/strings.en.yaml", "  passToken: Password/Token"),
    # a Monarch tokenizer's token class with the state's parts put in (gitness' Rego grammar)
    ("web/src/utils/rego.ts", """            '$#==$S3': { token: 'string.$S2.delim', next: '@pop' },"""),
    # or a matched group put in after a hyphen (Monaco's Visual Basic grammar, vendored in nacos)
    ("console/public/js/vs/basic-languages/src/vb.js", """          [/end\\s+(?!for|do)([a-zA-Z_]\\w*)/, { token: 'keyword.tag-$1' }],"""),
    ("console/public/js/vs/basic-languages/src/vb.js", """                '@tagwords': { token: 'keyword.tag-$0' },"""),
    # an element with a `value` attribute: its other attributes name the pair (Ant's filter
    # tokens, @endif_eq_Java13@, in rundeck's build)
    ("maven/lib/java-prebuild.xml", """         <filter token="endif_eq_Java13" value="${endif_eq_Java13}" />"""),
    ("build.xml", """<filter token="Xq9vLr2mTz8wPk4n" value="${release.tag}"/>"""),
    # the name a value is kept under, the constant's name without its "Key" (casdoor's idp/)
    ("idp/web3onboard.go", 'const Web3AuthTokenKey = "web3AuthToken"'),
    # a property's suffix, put after a prefix (nacos' RpcConstants)
    ("common/remote/client/RpcConstants.java", '    public static final String TLS_TRUST_PWD = ".tls.certPrivateKeyPassword";'),
    # Crowdin's in-context placeholder in a pseudo-language's translation (snipe-it)
    ("resources/lang/aa-ER/admin/settings/general.php", "    'ldap_pw_sync'              => 'crwdns1692:0crwdne1692:0',"),
    # a generated mock's value: the variable's name and a number (Google's gapic mock tests)
    ("vendor/cloud.google.com/go/iam/credentials/apiv1/mock_test.go", '\tvar accessToken string = "accessToken-1938933922"'),
    ("tests/unit/test_client.py", '    client_secret = "client_secret_1042689291"'),
    # base64 of the documentation's slot for an access key (postgres-operator's minio ConfigMap)
    ("manifests/minio-configmap.yaml", "  MINIO_ACCESS_KEY: WU9VUkFDQ0VTU0tFWQo="),
    ("app/PaymentDrivers/Forte/ACH.php", """                "paymethod_token": "'.$data->payment_token.'","""),
    # an htpasswd line: a user and the bcrypt hash of the password (bitnami's harbor chart)
    ("bitnami/harbor/values.yaml",
     "    htpasswd: harbor_registry_user:$2y$10$9L4Tc0DJbFFMB6RdSCunrOpTHdwhid4ktBJmLD00bYgqkkGOvll3m"),
    ("conf/nginx.yml", "  htpasswd: admin:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="),
    # a provider's documented test value (Checkout.com's Frames, in invoiceninja)
    ("resources/views/gateways/checkout.blade.php", "            paymentToken: 'pay_tok_SPECIMEN-000',"),
    ("bin/a.sh", "ldapsearch -x -W -b dc=acme"),
    ("bin/a.sh", 'zip -r -P "$ZIP_PW" backup.zip data'),
    ("bin/a.sh", "gzip -P Zx9mQ2pLk1wE data"),
    ("bin/a.sh", "sqlplus /nolog @script.sql"),
    ("bin/a.sh", "sqlplus scott@orcl"),
    ("notes/a.txt", "ID/Pass:xxxx:master/IhqSb1Gg xxxx:master/IhqSb1Gg"),
    ("pkg/app.spec", "%define token_name %{name}-token"),
    ("web.config", '<add key="TokenEndpoint" value="https://login.acme.io/token" />'),
    ("app/api.py", 'server.login(user, password)'),
    ("app/api.py", 'auth = (username, "")'),
    ("app/ftp.py", 'ftp.login("anonymous", "anonymous@")'),
    # an e-mail address is whom to write to, or anonymous FTP's password by convention (curl's
    # `CURL_DEFAULT_PASSWORD` beside `CURL_DEFAULT_USER "anonymous"`); a stand-in said fake
    ("lib/urldata.h", '#define CURL_DEFAULT_PASSWORD "ftp_by_kim.berg@mailhost.se"'),
    ("docs/MANUAL.md", "        curl --krb4 private ftp://krb4site.com -u username:fakepwd"),
    # an AWS IAM policy's actions, a secret named in them (docker/compose's ecs/iam.go, 2020)
    ("ecs/iam.go", '\tActionGetSecretValue = "secretsmanager:GetSecretValue"'),
    ("infra/policy.py", 'SECRET_ACTIONS = "secretsmanager:Describe*"'),
    # CSS custom properties are not Mandrill keys (issue 15, httpx's gh-pages), nor one
    # property read from another under a highlighter's token names secrets
    ("site/main.css", ":root{--md-primary-fg-color:#4051b5;--md-primary-fg-color--light:#5d6cc0}"),
    ("web/src/Code.tsx", "  '--code-token-keyword': 'var(--syntaxKeywordFg)',"),
    # a Django migration's name, numbered, in a dependency on an app called after tokens
    ("accounts/migrations/0002_key.py", "        ('apitoken', '0007_rename_tokenkey'),"),
    ("deploy/app.yml", "  token_table: 2024_01_user_tokens"),
    # a schema's field and its type
    ("api/schema.graphql", "  refresh_token: String_comparison_exp"),
    ("prisma/schema.prisma", "  access_token       String?  @db.Text"),
    # a name qualified with `::`, compared with or called (doorkeeper, clearance)
    ("lib/doorkeeper/config/validations.rb", 'if access_token_generator == "Doorkeeper::OAuth::Helpers::UniqueToken"'),
    ("lib/generators/templates/add_users.rb.erb", "    user.update_columns(remember_token: Clearance::Token.new)"),
    # a bcrypt hash with its `$` escaped for the shell that reads it (dex's CI workflow)
    (".github/workflows/ci.yml", "      DEX_FOO_USER_PASSWORD: \\$2a\\$10\\$33EMT0cVYVlPy6WAMCLsceLYjWhuHpbz5yuZxu/GAFj03J9Lytjuy"),
    ("docker-compose.yml", "      ADMIN_PASSWORD: $$2a$$10$$33EMT0cVYVlPy6WAMCLsceLYjWhuHpbz5yuZxu/GAFj03J9Lytjuy"),
    # a dependency's specifier under its own name (openai-node's jsr.json), a workspace's
    ("jsr.json", '    "@aws-sdk/credential-provider-node": "npm:@aws-sdk/credential-provider-node@^3.972.47",'),
    ("package.json", '    "@acme/secret-manager-client": "workspace:^",'),
    # a GitHub Action's reference paired with its step's name (grafana/loki's release workflows
    # in jsonnet), a pinned one, a reusable workflow's
    (".github/release-workflows.jsonnet", "    step.new('Configure AWS credentials', 'aws-actions/configure-aws-credentials@v4')"),
    (".github/wf.jsonnet", "    step.new('Log in with the token', 'docker/login-action@release/v3')"),
    (".github/wf.jsonnet", "    step.new('Get secret token', 'Azure/get-keyvault-secrets@8b2d2e9bb2e7b0c4f1e1a9d7c0f3b2a1e4d5c6b7')"),
    # a secret store's name for the secret, not the secret (grafana's get-vault-secrets action)
    (".github/workflows/sbom.yml", "            SOCKET_API_TOKEN=socket:SOCKET_API_KEY"),
    ("ci/secrets.env", "ECR_SECRET_KEY=aws-credentials:secret_access_key"),
    (".github/workflows/update-helm-repo.yaml", "            GPG_PASSPHRASE=helm-chart-signing-key:passphrase"),
    # a user interface's words written as JSON's \u escapes (jellyfin's zh-CN.json)
    ("src/Strings/zh-CN.json", '    "LabelNewPassword": "\\u65b0\\u5bc6\\u7801\\uff1a",'),
    ("web/strings.js", '  password: "\\u041f\\u0430\\u0440\\u043e\\u043b\\u044c\\u0020\\u0441\\u0431\\u0440\\u043e\\u0448\\u0435\\u043d",'),
    # LiveScript's `\word` string: a highlighter's scope name (ansible/awx)
    ("ui/grammar.ls", "  token: \\language.support.function"),
    # a page object's CSS selectors for a form's fields (Sylius' Behat pages)
    ("src/Behat/Page/RegisterElement.php", "            'password' => '#sylius_customer_registration_user_plainPassword_first',"),
    ("src/Behat/Page/CreatePage.php", "            'stripe_secret_key' => '#sylius_admin_payment_method_gatewayConfig_config_secret_key',"),
    ("src/Behat/Page/CreatePage.php", "            'paypal_password' => '#sylius_payment_method_translations_en_US_name',"),
    ("src/Behat/Page/AddressPage.php", "            'login_password' => 'input[type=\\'password\\']',"),
    # a template named by its bundle (Sylius' app config)
    ("config/app/config.yml", "            payum.template.obtain_token: SyliusPayumBundle::Action/obtainCheckoutToken.html.twig"),
    # Laravel validation rules whose arguments compare (bagisto's API controller)
    ("Controllers/CustomerController.php", "            'password' => 'confirmed|required_if:oldpassword,!=,null'"),
    # the digest a user table stores, as a statement writes it (shenyu's upgrade script: a
    # SHA-512 whose leading zero was dropped)
    ("script/upgrade-mysql.sql", "UPDATE dashboard_user SET password='" + hashlib.sha512(b"a fixture").hexdigest()[1:]
     + "' WHERE user_name = 'admin';"),
    ("db/reset.sql", "UPDATE `users` SET password = '" + hashlib.sha256(b"a fixture").hexdigest().upper() + "' WHERE id = 1;"),
    # an early Argo workflow template's parameters (argo-workflows' .argo/argo-build.yaml)
    (".argo/argo-build.yaml", "  docker login -u %%inputs.parameters.REG_USER%% -p %%inputs.parameters.REG_PASSWORD%% $REGISTRY &&"),
    # Cloud KMS ciphertext that Cloud Build decrypts (kustomize's releasing/cloudbuild.yaml)
    ("releasing/cloudbuild.yaml", "    GITHUB_TOKEN: " + base64.b64encode(b"\n$\0" + bytes(range(7, 120))).decode()),
    # an informer index's name, a camel-case name after a short word (argo-workflows' indexes.go)
    ("workflow/controller/indexes/indexes.go", '\tSemaphoreConfigIndexName     = "bySemaphoreConfigMap"'),
    # where echo's JWT middleware looks the token up (hanko's session middleware)
    ("backend/middleware/session.go", '\t\tTokenLookup:    "header:Authorization:Bearer,cookie:hanko",'),
    # a product's CPE name under a package's name (syft's CPE dictionary): neither a secret nor,
    # after `ibm:`, an IBM Cloud API key
    ("dictionary/data/cpe-index.json", '      "token-macro": "cpe:2.3:a:jenkins:token_macro:*:*:*:*:*:jenkins:*:*",'),
    ("cpe/testdata/cpe-data.json", '    "cpe-string": "cpe:2.3:a:ibm:change_and_configuration_management_database:7.1.1.7:*:*:*:*:*:*:*",'),
    # Django's unusable password, as dumpdata writes a user (readthedocs' db.json)
    ("db.json", '        "password": "!Idx0nAbBe1b5sOIEkjbfZo7dOkU7Re3D9JCoj7RK",'),
    # TeamCity's reference to a secure value its server keeps (packer's .teamcity/ settings)
    (".teamcity/settings.kts", '        password("env.VPN_PASSWORD", "credentialsJSON:8c355e81-9a26-4788-8fea-c854cd646c35")'),
    (".teamcity/patches/Build.kts", '                        token = "credentialsJSON:95bbfc46-3141-4bed-86ec-f8ec751f3e94"'),
    ("ci/pipelines/resources/template.jsonnet", '        DOCKER_PRIVATE_PASSWORD: "((registry_image_resource_docker.password))",'),
    ("ci/pipeline.yml", "      private_key: ((vault:concourse/main.deploy_key))"),
    ("config/initializers/recaptcha.rb", "    config.secret_key = '6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe'"),
    # Ruby's type signatures: a parameter's type (stripe-ruby's generated .rbi files)
    ("rbi/stripe/params/account_create_params.rbi",
     "      sig { params(object: String, currency: T.nilable(String), token: String).void }"),
    # a place in a help page (LibreOffice's help index, bundled in kkFileView)
    ("help/hid2file.js", "'dbaccess/ui/password/oldpassword':'text/sdatabase/05000003.html#bm_id3145346',"),
    # one of Laravel's conditional validation rules, alone (statamic's elevated session)
    ("src/Http/Controllers/CP/Auth/ElevatedSessionController.php", "            'password' => 'required_without_all:verification_code,id',"),
    # a GitHub label's node ID under the label's name (trivy's triage action)
    (".github/actions/trivy-triage/config.json", '        "Secret":"LA_kwDOCsUTCM75TTQL"'),
    # a function's name under a name that says it is one (pywin32's win32cryptcon, in Tautulli)
    ("lib/win32/lib/win32cryptcon.py", 'CRYPT_OID_IMPORT_PRIVATE_KEY_INFO_FUNC = "CryptDllImportPrivateKeyInfoEx"'),
    # CoffeeScript: `@options` is this.options (dropzone, bundled in bazarr)
    ("static/plugins/dropzone-master/src/dropzone.coffee", "    xhr.withCredentials = !!@options.withCredentials"),
    # the hint an empty input shows, as a prop or an HTML attribute (plane's GitLab settings form)
    ("app/authentication/gitlab/form.tsx", '      placeholder: "gloas-' + hashlib.sha256(b"a form").hexdigest() + '",'),
    ("templates/settings.html", '<input name="token" placeholder="gloas-' + hashlib.sha256(b"a form").hexdigest() + '">'),
    # a character class of RFC 7230's token characters (h11, vendored in bazarr)
    ("libs/h11/_abnf.py", 'token = r"[-!#$%&\'*+.^_`|~0-9a-zA-Z]+"'),
    # a list of a provider's settings, each one's name (meltano's discovery.yml)
    ("src/meltano/core/bundle/discovery.yml",
     "          - ['snowflake_account', 'snowflake_username', 'snowflake_password', 'snowflake_database', 'snowflake_warehouse']"),
    # a call reading the environment, written as a string into a generated file (typecho's installer)
    ("install/Mysql.php", """$baeDbPassword = "getenv('HTTP_BAE_ENV_SK')";"""),
    # RFC 9110's token specials, no letter or digit (gunicorn's HTTP parser)
    ("gunicorn/http/message.py", 'RFC9110_5_6_2_TOKEN_SPECIALS = r"!#$%&\'*+-.^_`|~"'),
    # a grammar's token vocabulary (ANTLR's grammars, among pygments' example files)
    ("grammars/ANTLRv4Parser.g4", "   { tokenVocab = ANTLRv4Lexer; }"),
    # libtool's ltmain.sh compares a string built of two expansions
    ("build-aux/ltmain.sh", '\t test "$linkmode,$pass" = "prog,scan"; then'),
    # an OCaml record's field set to a constructor; a protocol's command word (twisted's sandbox)
    ("stdlib/format.ml", "        {elem_size = size_of_int 0; token = Pp_close_tag; length = 0};"),
    ("sandbox/slicer.py", '        if token == "please_die_in_receiveChild":'),
    # a printf format naming a function (alembic's multidb template)
    ("alembic/templates/multidb/env.py", '                        downgrade_token="%s_downgrades",'),
    # what pexpect types at a password prompt, a stand-in and a line break (pexpect's docstring)
    ("IPython/external/pexpect.py",
     """        run ("ssh user@machine.example.com 'ls -l'", events={'(?i)password':'secret\\\\n'})"""),
    # a test case's source and its expected type (pylint's pyreverse tests)
    ("pylint/pyreverse/cases.py", """        ("def f() -> 'MyType': pass", "'MyType'"),"""),
    # bytes of a protocol written as escapes, a password of one character (twisted's tests)
    ("sandbox/test_banana.py", '    listToken = "\\x04\\x82list"'),
    # a Zoom meeting's join link, its passcode embedded (dask's and xarray's developer meetings)
    ("docs/source/support.rst",
     "    10:00 US Central Time in `this video meeting <https://us06web.zoom.us/j/87619866741?pwd=" + "S2RxMlRKcnVvakt4NHZoS1cwOGZoZz09>`_."),
    # a flag that asks for the password, then a folder (hugo's rclone guide)
    ("content/en/host-and-deploy/deploy-with-rclone.md",
     "rclone sync --interactive --sftp-host sftp.example.com --sftp-user www-data --sftp-ask-password public/ :sftp:www/"),
    # a call's next keyword argument after a constant's name (kitsune's Sphinx configuration)
    ("configs/sphinx/sphinx.conf", "    sql_pass = MYSQL_PASS,sql_db=MYSQL_NAME)"),
    # a password's hash, Django's form with SHA-256 (kitsune's anonymizer) and werkzeug's
    ("scripts/anonymize.sql", "    password = 'sha256$f538347e82$" + "5098e89186fd307d4bb6fe29ac476e72cf96175617fa933a9bd6b3d89a8b0946'; -- 'testpass'"),
    ("app/seed.py", "ADMIN_PASSWORD = 'pbkdf2:sha256:600000$Xq3vRk9PzL2mWt8a$" + "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8'"),
    ("app/seed.py", "ADMIN_PASSWORD = 'scrypt:32768:8:1$Xq3vRk9PzL2mWt8a$" + "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8'"),
    # a minified script's map of input types (a saved Google page among matomo's test resources)
    ("plugins/SEO/tests/resources/google_response.html",
     'var ba={NUMBER:!0,PASSWORD:!0,RANGE:!0,SEARCH:!0,TEL:!0,TEXT:!0,WEEK:!0},ea={A:!0,AREA:!0};'),
    # an event's handler, a method's name (matomo's Login plugin)
    ("plugins/Login/Login.php", "            'Controller.Login.confirmPassword' => 'beforeLoginCheckBruteForce',"),
    ("twisted/test/test_digest.py", '            username="andr\\xc3\\xa9", password="\\xc4\\x81")'),
    # an icon font's glyph, one character written as a \u escape (gotestsum's format.go)
    ("testjson/format.go", '\t\tpass:  "\\ueba4", // cod-pass'),
    # an AngularJS directive's scope binding (horizon's form.js)
    ("horizon/static/framework/form/form.js", "      scope: { pw: '=hzPasswordMatch' },"),
    # Maven coordinates under a library's name (gocd's dependencies.gradle)
    ("dependencies.gradle", "  tokenBucket         : 'org.isomorphism:token-bucket:1.7',"),
    # a camel-case name after an abbreviation with no vowel (gocd's agent's arguments)
    ("agent/common/AgentBootstrapperArgs.java", '    public static final String PRIVATE_KEY = "sslPrivateKeyFile";'),
    # an OpenStack policy's checks (horizon's copies of keystone's and nova's)
    ("openstack_dashboard/conf/keystone_policy.json", '    "identity:change_password": "rule:owner",'),
    ("openstack_dashboard/conf/keystone_policy.yaml",
     '#"identity:get_application_credentials": "rule:identity:get_application_credential"'),
    # a user, a project and a role, the token Glance's no-auth test middleware reads
    ("glance/tests/unit/v1/test_api.py", "        headers = {'x-auth-token': 'user:tenant:fake_member',"),
    # a translation catalogue's words under a password's or a key's label (redmine, homebox)
    ("config/locales/bs.yml", "    field_password_confirmation: Potvrda"),
    ("config/locales/nl.yml", "  label_api_access_key: API-toegangssleutel"),
    ("frontend/locales/da-DK.json", '    "password": "Adgangskode",'),
    ("server/locales/de/browser.json", '  "createuserpassword": "Passwort:",'),
    # CSS declarations (GeSHi's style for Boo's `pass` keyword)
    ("inc/geshi/boo.php", "            'pass' => 'color:gray;'"),
    # a value the page's server side writes (concretecms' views; ERB)
    ("concrete/single_pages/dashboard/users/search.php", "                    ccm_token: '<?=$token->generate()?>'"),
    ("web/concrete/blocks/content/add.php",
     '''var CCM_EDITOR_SECURITY_TOKEN = "<?=Loader::helper('validation/token')->generate('editor')?>";'''),
    ("app/views/sessions/new.html.erb", '''  var authToken = "<%= form_authenticity_token %>";'''),
    # a file the secret is read from (PostgREST's `@filename`), where OpenSSL reads a pass phrase
    ("nix/tools/loadtest.nix", '''            export PGRST_JWT_SECRET="@test/load/gen_jwks.json"'''),
    ("platform/bin/pulp-nss-db-gen", "openssl pkcs12 -in client.p12 -nodes -out client.crt -password file:$PWDFILE"),
    # a script's name as a key, its digest the value (cryptpad's manifest of SRI hashes)
    ("customize.dist/manifest.js", '      "credential.js": "E/xwRxY1m5DBRHoq6TzracJ4H7sue2rBq1clBgvukYg=",'),
    # an Active Directory attribute's name (passbolt's directory sync mapping)
    ("config/schema/ad.yml", "            passwordReversibleEncryption: msDS-PasswordReversibleEncryptionEnabled"),
    # an event's name, a class and snake-case words (passbolt)
    ("src/Event/PasswordExpiryOnDeleteGroupEventListener.php",
     "    public const PASSWORD_EXPIRY_ON_GROUP_DELETE = 'PasswordExpiryOnDeleteGroupEventListener.expire_resources';"),
    # a JWT of metasyntactic claims, `{"foo": "bar", "nbf": ...}`, under a token's name (jwt-go's example)
    ("vendor/github.com/dgrijalva/jwt-go/hmac_example_test.go",
     '\ttokenString := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJmb28iOiJiYXIiLCJuYmYiOjE0NDQ0Nzg0MDB9.'
     'u1riaD1rW97opCoAuRCTy4w58Br-Zk-bh7vLiRIsrpU"'),
    # a value that says it is for development alone (homebox's Taskfile)
    ("Taskfile.yml", '  HBOX_AUTH_API_KEY_PEPPER: "dev-only-pepper-not-for-production-use-32b+"'),
    # a provider's name, then a name of two words in code followed by its member (signoz's
    # integration tests)
    ("tests/conftest.py", '            "APP_PAGERDUTY__URL": notification_channel.container_configs["8080"].get("/v2/enqueue"),'),
    ("src/alerts.py", '    PAGERDUTY_KEY = integration_settings.get("key")'),
    # a provider's name, then an argument that is a name in code (openobserve's spec)
    ("web/src/utils/prebuilt-templates/index.spec.ts",
     '      expect(generateDestinationUrl("pagerduty", pagerdutyCredentials)).toBe('),
    # a namespace and a name of words under a token's name (openobserve's icon catalogue)
    ("web/src/lib/forms/EmojiPicker/emojiCatalog.ts", '      { token: "o2:postgresql", keywords: ["postgres", "pgsql"] },'),
    ("src/icons.ts", '  { token: "mdi:account-key" },'),
    ("web/src/lib/forms/EmojiPicker/emojiCatalog.ts", '      { token: "o2:ai-quarkus-langchain4j", keywords: ["quarkus"] },'),
    # a Vue binding's expression, a function's call on a name (openobserve's sidebar)
    ("web/src/components/common/sidebar/FolderList.vue", '                :token="iconFor(tab)"'),
    ("web/src/app.js", "  const token = 'iconFor(tab)';"),
    # a digest's name after the secret's: ClickHouse's users.xml holds the password's SHA-256
    ("deploy/clickhouse/users.xml",
     "        <password_sha256_hex>" + hashlib.sha256(b"a password").hexdigest() + "</password_sha256_hex>"),
    ("deploy/clickhouse/users.xml",
     "        <password_double_sha1_hex>" + hashlib.sha1(b"a password").hexdigest() + "</password_double_sha1_hex>"),
    # a name that calls its value public, after a provider's or a place's words (vector's
    # website config: a search key for the browser)
    ("website/config.toml", 'typesense_public_prod_apikey = "Wq7Zr' + 'K2vLx9pNc4TbYh8MdJ3sFa6GuEo1"'),
    ("src/env.ts", "export const NEXT_PUBLIC_SEARCH_TOKEN = 'Wq7Zr" + "K2vLx9pNc4TbYh8MdJ3sFa6GuEo1';"),
    ("search.js", "const searchPublicApiKey = 'Wq7Zr" + "K2vLx9pNc4TbYh8MdJ3sFa6GuEo1';"),
    # an identifier whose words name a token, one of them holding a digit (pac4j's constants)
    ("pac4j-core/src/main/java/org/pac4j/core/context/Pac4jConstants.java", '    String CSRK_TOKEN = "pac4jCsrfToken";'),
    ("src/auth.ts", 'const OAUTH_SECRET = "oauth2ClientSecret";'),
    # a query's parameter set to a variable's expansion (dotnet/arcade's telemetry step)
    ("eng/common/templates/steps/telemetry-start.yml", '    accessTokenParameter="?access_token=$HelixApiAccessToken"'),
    ("eng/common/templates/steps/telemetry-start.yml", '      $accessTokenParameter="?access_token=$($env:HelixApiAccessToken)"'),
    # an Android resource's reference (nextcloud/android's layouts)
    ("src/main/res/layout/account_setup.xml", '            app:passwordToggleDrawable="@drawable/password_visibility_selector"'),
    ("app/src/main/res/layout/login.xml", '        android:password="?attr/secretTextColor"'),
    ("src/main/res/layout/activity_edit_account.xml", '        app:passwordToggleTint="?android:textColorSecondary"'),
    # an intent action, a constant's name under a dotted namespace (KeePassDX)
    ("app/src/main/java/com/kunzisoft/keepass/credentialprovider/viewmodel/HardwareKeyLauncherViewModel.kt",
     '        private const val HMAC_SECRET_CHALLENGE_RESPONSE_INTENT = "android.fido.intent.action.HMAC_SECRET_CHALLENGE_RESPONSE"'),
    # a D-Bus error's name whose last part starts with a two-letter word (KeePassXC's Secret Service)
    ("src/fdosecrets/objects/DBusTypes.h", '#define DBUS_ERROR_SECRET_NO_SESSION "org.freedesktop.Secret.Error.NoSession"'),
    # a route whose words name a token, in a menu's row (PublicCMS' initialization SQL)
    ("publiccms-core/src/main/resources/initialization/sql/init.sql",
     "INSERT INTO `sys_module` VALUES ('myself_token', 'myself/userTokenList', 'sysUserToken/delete', 'icon-unlock-alt', 'myself', 1, 5);"),
    # a provider's password name, then a tuple or a call of code (mage-ai's Snowflake settings)
    ("mage_ai/io/config.py", "        ConfigKey.SNOWFLAKE_PASSWORD: (VerboseConfigKey.SNOWFLAKE, 'password'),"),
    ("mage_ai/data_preparation/models/block/dbt/utils/__init__.py", "            SNOWFLAKE_PASSWORD=profile.get('password'),"),
    # a list of ids under one namespace, read as a name and its value (conjur's cucumber features)
    ("cucumber/api/features/secrets_batch.feature",
     '    {"variable_ids":["cucumber:variable:secret1","cucumber:variable:not-a-secret"]}'),
    ("app/settings.py", 'FIELDS = ("app.password", "app.password_confirmation")'),
    # Laravel's rule comparing with another field, in a rule array (filament's account form)
    ("src/Http/Livewire/UpdateAccountForm.php",
     "            'newPasswordConfirmation' => ['required_with:newPassword', 'same:newPassword'],"),
    # an f-string's field indexed by an expression (browser-use's secret masking)
    ("browser_use/utils.py", "\treturn pattern.sub(lambda m: f'<secret>{secret_to_key[m.group(0)]}</secret>', value)"),
    ("app/render.py", "    out = f\"<password>{passwords['db']}</password>\""),
    # a highlighter's scope naming a language with digits (Ace's C rules, vendored in zfile)
    ("src/main/resources/static/ace/mode/c_cpp_highlight_rules.js", '                token : "support.function.C99.c",'),
    # a cache's key prefix, its namespace in camel case (mall4j's WeChat token store)
    ("yami-shop-mp/src/main/java/com/yami/shop/mp/component/WxMaInRedisConfig.java",
     '    private static final String ACCESS_TOKEN_KEY = "wxMa:access_token:";'),
    # a password generator's classes of characters (TeamPass' vendored pwgen)
    ("includes/libraries/Encryption/PwGen/pwgen.php", "            self::$pw_ambiguous = 'B8G6I1l0OQDS5Z2';"),
    ("includes/libraries/Encryption/PwGen/pwgen.php", "            self::$pw_vowels = '01aeiouyAEIOUY';"),
    ("lib/gen.py", "PASSWORD_ALPHABET = 'Kq8vN2wXLp9zRt4YmB7cHd3JfG6sA1e'"),
    # defuse/php-encryption's ciphertext, hex (TeamPass' settings.php): the key is elsewhere
    ("app/config/settings.php", 'define("DB_PASSWD", "def50200' + hashlib.sha512(b"a message").hexdigest()
     + hashlib.sha256(b"a message").hexdigest() + '");'),
]


def test_a_random_value_with_colons_in_it_is_still_a_value(engine):
    """Only words in Pascal or lower case joined by `::` are a qualified name."""
    hits = engine.scan_text('api_token = "Kq8v::T2mWx9Lp4R"\n', "app/config.rb")
    assert [h.secret for h in hits] == ["Kq8v::T2mWx9Lp4R"]


@pytest.mark.parametrize("value", [
    "aB3x/Qz9Lk2m@Xw7Pq",  # credfence: allow (made up)
    "mirror/secret@Kq8vT2mWx9Lp4R",  # credfence: allow (made up)
    "vault:Kq8vT2mWx9Lp4R",  # credfence: allow (made up)
    "store:SECRET_Kq8vT2m9Lp",  # credfence: allow (made up)
])
def test_a_random_value_shaped_like_a_reference_is_still_a_value(engine, value):
    """An Action's reference is words and a version, commit or branch; a stored secret's name
    is a variable's or words: random parts, or a random ref or name, stay values."""
    hits = engine.scan_text(f'api_token = "{value}"\n', "app/config.py")
    assert [h.secret for h in hits] == [value]


@pytest.fixture(scope="module", params=[True, False], ids=["hyperscan", "python"])
def engine(request):
    try:
        return Engine(load_rules(), use_hyperscan=request.param)
    except RuntimeError:
        pytest.skip("hyperscan is not available on this machine")


@pytest.mark.parametrize("path,line,secret", POSITIVE, ids=[f"{p}:{s[:4]}" for p, _, s in POSITIVE])
def test_literal_under_secret_name_is_found(engine, path, line, secret):
    hits = engine.scan_text(line + "\n", path)
    assert any(h.secret == secret for h in hits), (line, [(h.rule_id, h.secret) for h in hits])


@pytest.mark.parametrize("path,line", NEGATIVE, ids=[f"{p}:{i}" for i, (p, _) in enumerate(NEGATIVE)])
def test_code_reference_or_name_is_not_a_secret(engine, path, line):
    hits = [h for h in engine.scan_text(line + "\n", path)]
    assert not hits, (line, [(h.rule_id, h.secret) for h in hits])


def test_docstring_value_is_a_low_confidence_documentation_example(engine):
    text = 'def f():\n    """Example:\n\n        api_key = "a8Fk29sLq0ZmXr7TbV3n"\n    """\n    return 1\n'
    hits = engine.scan_text(text, "lib/client.py")
    assert [h.secret for h in hits] == ["a8Fk29sLq0ZmXr7TbV3n"]
    assert hits[0].context.get("doc") and hits[0].context.get("confidence") == "low"


def test_a_shell_line_in_a_docstring_or_a_documentation_file_is_documentation(engine):
    """`export TOKEN=...` reads as shell wherever it is, but inside a Python docstring (an
    inventory script's usage notes) or an HTML page it is still an example."""
    text = "#!/usr/bin/env python\n'''Usage:\n    export PACKET_API_TOKEN=Bq9sE4fT7wZk2LxN8mPa\n'''\n"
    for path, content in (("contrib/inventory.py", text),
                          ("site/api.html", "<div>export AWS_SECRET_ACCESS_KEY=&#8217;Zq8vN2rT5wXy&#8217;</div>\n")):
        hits = engine.scan_text(content, path)
        assert len(hits) == 1 and hits[0].context.get("doc") and hits[0].context.get("confidence") == "low", \
            (path, [(h.secret, h.context) for h in hits])
    assert engine.scan_text(text, "contrib/inventory.py")[0].secret == "Bq9sE4fT7wZk2LxN8mPa"


def test_a_script_without_an_extension_is_read_in_its_shebang_language(engine):
    """Ansible's modules had no extension for years (#!/usr/bin/python): read as
    configuration, `aws_secret_access_key = ec2_secret_key,` was a value, and the AWS
    credentials-file parser took it for a secret key. Read as Python it is a name."""
    from scanner.detect import detect

    script = ("#!/usr/bin/python -tt\nimport boto\n\nec2 = boto.connect_euca(host=h,\n"
              "    aws_access_key_id = ec2_access_key,\n    aws_secret_access_key = ec2_secret_key,\n"
              "    port = url.port)\n").encode()
    assert detect(engine, script, "library/ec2")[0] == []
    # the same text with no #! line: still no AWS secret key, which is 40 characters by definition
    assert not [h for h in detect(engine, script.split(b"\n", 1)[1], "library/ec2")[0]
                if h.rule_id == "aws-secret-access-key"]
    # a literal in such a script is still found, as Python
    hits = detect(engine, b"#!/usr/bin/env python3\nDB_PASSWORD = 'Kq8vT2mWx9Lp&3nRzY'\n", "bin/migrate")[0]
    assert [h.secret for h in hits] == ["Kq8vT2mWx9Lp&3nRzY"]


def test_a_provider_token_in_a_text_block_is_a_documentation_example(engine):
    """Ansible documents each module's output in a RETURN text block, with sample values
    (an access key ID, a Service Bus connection string): examples, as the README says of
    docstrings. The same value in code is not; a PEM key there keeps its high confidence."""
    from scanner.confidence import location_confidence

    key_id = "AKIA" + "QYLPMN5HHHFPZAM2"
    block = f'RETURN = r"""\ns3_offload:\n    sample:\n        access_key_id: "{key_id}"\n"""\n'
    code = f'ACCESS_KEY_ID = "{key_id}"\n'
    [doc_hit] = [h for h in engine.scan_text(block, "plugins/modules/info.py") if h.rule_id == "aws-access-key-id"]
    [code_hit] = [h for h in engine.scan_text(code, "plugins/modules/info.py") if h.rule_id == "aws-access-key-id"]
    rule = engine.by_id["aws-access-key-id"]
    assert location_confidence(rule, "plugins/modules/info.py", doc_hit.context) == ("low", True)
    assert location_confidence(rule, "plugins/modules/info.py", code_hit.context)[0] == "medium"


def test_a_token_after_an_example_word_on_its_line_is_a_documentation_example(engine):
    """An API's documentation written in its code (meilisearch's OpenAPI text in Rust): a
    value the line introduces as an example is one, in any language. The same value before
    the word, or on a line of its own, is not."""
    from scanner.confidence import location_confidence

    token = "8fece4405662dd830e4cb265e7e047aab2e79672a760a12712d2a263c9003509"
    cases = [
        ('    .description("Example: `Authorization: Bearer ' + token + '`")\n', True),
        ("// e.g. Authorization: Bearer " + token + "\n", True),
        ('  "description": "Include the token in a header.\\nExample: `Authorization: Bearer ' + token + '`"\n', True),
        ('let h = "Authorization: Bearer ' + token + '"; // for example.com\n', False),
        ('let h = "Authorization: Bearer ' + token + '";\n', False),
        # an AWS service model's documentation, one long JSON string (aws/aws-cli's botocore data)
        ('  "documentation": "<p>' + "Sends a message. " * 400 + '</p>\\n<examples>\\n <queryrequest>\\n'
         '  Authorization: Bearer ' + token + '\\n </queryrequest>"\n', True),
        ('  "documentation": "<examples></examples><p>' + "Sends a message. " * 400 + '</p>\\n'
         '  Authorization: Bearer ' + token + '"\n', False),  # the markup too far before it
        # a Swagger description's Markdown, one JSON string: "Example below." before a fenced
        # request, "Example auth header:" before an indented one (the Bot Framework's Direct Line)
        ('  "description": "Send it in every call.\\r\\nExample below.\\r\\n\\r\\n```\\r\\nPOST /v3/x HTTP/1.1\\r\\n'
         'Authorization: Bearer ' + token + '\\r\\n```"\n', True),
        ('  "description": "Supplied as is. Example auth header:\\r\\n\\r\\n    GET /api/tokens\\r\\n'
         '    Authorization: Bearer ' + token + '"\n', True),
        ('let h = "Authorization: Bearer ' + token + '"; // examples below\n', False),
    ]
    rule = engine.by_id["http-bearer-token"]
    for text, doc in cases:
        [hit] = [h for h in engine.scan_text(text, "crates/api/src/routes.rs") if h.rule_id == "http-bearer-token"]
        assert location_confidence(rule, "crates/api/src/routes.rs", hit.context)[1] is doc, text


def test_paths_of_one_class_get_the_same_generic_answers():
    """The engine remembers generic judgements per (line, path_class(path)): for every line
    of this file's examples, paths of one class (the examples' own, moved into other
    folders) must get the same generic_hits, inside a docstring and out, and the same
    docstring_may_matter. Fails if path_class leaves out something those read (a test
    folder, a documentation folder, a markup suffix)."""
    from dataclasses import astuple

    from detectors.generic import docstring_may_matter, generic_hits, path_class

    # and an escaped value, which is unescaped in markup (.xml, .html) only
    escaped = '<add key="password" value="Zx9&amp;mQ2pLk1wE" />'  # credfence: allow (an example)
    lines = sorted({ex[1] for ex in POSITIVE + NEGATIVE} | {escaped})
    names = sorted({ex[0] for ex in POSITIVE + NEGATIVE} | {""})
    paths = sorted({d + n.rsplit("/", 1)[-1] for n in names if n
                    for d in ("", "src/", "tests/", "docs/", "examples/", "a/b/", "test/fixtures/", "site/")} | {""})
    classes: dict[tuple, list[str]] = {}
    for p in paths:
        classes.setdefault(path_class(p), []).append(p)
    assert sum(len(ps) > 1 for ps in classes.values()) > 20  # the test compares something
    assert len({path_class(p) for p in ("app.py", "tests/app.py", "docs/app.py", "web/app.html")}) == 4

    def answers(line: str, p: str) -> tuple:
        return (docstring_may_matter(line, p),) + tuple(
            tuple(astuple(h) for h in generic_hits(line, 1, p, docstring=d)) for d in (False, True))

    for ps in classes.values():
        for line in lines:
            first = answers(line, ps[0])
            for p in ps[1:]:
                assert answers(line, p) == first, (line, ps[0], p)


def test_confidence_in_code_and_in_docs(engine):
    code = engine.scan_text('API_SECRET = "a8Fk29sLq0ZmXr7TbV3n"\n', "app/settings.py")
    doc = engine.scan_text('API_SECRET = "a8Fk29sLq0ZmXr7TbV3n"\n', "docs/config.rst")
    test = engine.scan_text('API_SECRET = "a8Fk29sLq0ZmXr7TbV3n"\n', "tests/test_app.py")
    assert code[0].context["confidence"] == "medium"
    assert doc[0].context["confidence"] == "low" and doc[0].context.get("doc")
    assert test[0].context["confidence"] == "low"
    # a user guide's sources are documentation (CodeIgniter's user_guide_src/source/...)
    for path in ("user_guide_src/source/libraries/validation/044.php", "userguide/forms.php"):
        guide = engine.scan_text('API_SECRET = "a8Fk29sLq0ZmXr7TbV3n"\n', path)
        assert guide[0].context["confidence"] == "low" and guide[0].context.get("doc"), path


@pytest.mark.parametrize("value", [
    "f740c3ad-c706-4e10-bb95-46e2cc50c2ac",  # credfence: allow (made up) begins with a letter
    "7b1c3527-8702-4742-af69-2b74ee5742e8",  # credfence: allow (made up) begins with a digit
])
def test_a_uuid_under_a_token_name_is_low_and_a_test_fixture_id_is_nothing(engine, value):
    """Sauce Labs' access keys, Keycloak's client secrets, npm's legacy tokens are UUIDs: one
    under a key's or token's name is reported, low, whether it begins with a letter (once read
    as a kebab-case name) or a digit; in a test it is a fixture's id (saleor's
    `Checkout(token=...)`), and an id name holds no secret at all."""
    for path, line in [("package.json", f'    "sauce_access_key": "{value}"'),
                       ("realm.json", f'      "secret": "{value}",'),
                       ("app/settings.py", f'API_TOKEN = "{value}"')]:
        hits = engine.scan_text(line + "\n", path)
        assert [(h.secret, h.context["confidence"]) for h in hits] == [(value, "low")], (path, hits)
    assert not engine.scan_text(f'    Checkout(token="{value}"),\n', "tests/api/test_checkout.py")
    assert not engine.scan_text(f'request_id = "{value}"\n', "app/settings.py")


def test_a_password_of_words_in_pascal_case_is_still_a_password(engine):
    """A long name of words in Pascal case is code only where a machine-made token would be:
    a database URL's or a Snowflake password is a person's choice, and may be words."""
    url = "postgres://app:CorrectHorseBatteryStaple@db.internal:5432/app"  # credfence: allow (made up)
    assert "CorrectHorseBatteryStaple" in [h.secret for h in engine.scan_text(f'DATABASE_URL="{url}"\n', "deploy/app.env")]
    hits = engine.scan_text("SNOWFLAKE_PASSWORD=CorrectHorseBatteryStaple\n", "deploy/app.env")  # credfence: allow (made up)
    assert "CorrectHorseBatteryStaple" in [h.secret for h in hits]


def test_json_has_no_docstrings_to_look_for():
    """Plain JSON has no comments: whether a line of it sits in a docstring is not asked
    (finding none cost a whole version's lines joined, each time a version of a large
    translation catalogue was confirmed), while the same line in JavaScript still asks."""
    from detectors.generic import docstring_may_matter, path_class

    line = '  "apiToken": "f7Hk2Lm9Qx4Tz8Wv3Np6",'
    assert docstring_may_matter(line, "web/src/config.js")
    assert not docstring_may_matter(line, "src/lang/config.json")
    assert path_class("a/b.json") != path_class("a/b.jsonc")  # the memo's key tells them apart


def test_translation_catalogues_are_read_as_documentation(engine):
    """A user interface's words in a language (uptime-kuma's src/lang/nb-NO.json,
    `"SecretAccessKey": "AccessKey-hemmelighet"`) are prose: words of a language there are
    no secret, and a generic guess of anything else is rated low, as in documentation. A file
    of the same name outside a translations folder, or a script inside one, is read as before."""
    line = '    "SecretAccessKey": "AccessKey-hemmelighet",\n'
    typed = '    "SecretAccessKey": "AccessKey-hemmelighet-' + 'Xq7vLm2",\n'
    for path in ("src/lang/nb-NO.json", "config/locales/pt_BR.yml", "public/locales/de/translation.json",
                 "MediaBrowser.Server.Implementations/Localization/Server/nb.json",
                 # a name before the locale (syncthing's gui/default/assets/lang/lang-da.json)
                 "gui/default/assets/lang/lang-da.json", "src/i18n/messages_pt_BR.json",
                 # two (thingsboard's ui-ngx/src/assets/locale/locale.constant-da_DK.json)
                 "ui-ngx/src/assets/locale/locale.constant-da_DK.json",
                 # or a name after it (wekan's imports/i18n/data/fy-NL.i18n.json)
                 "imports/i18n/data/fy-NL.i18n.json"):
        assert not [h for h in engine.scan_text(line, path) if h.rule_id == "generic-secret"], path
        hits = [h for h in engine.scan_text(typed, path) if h.rule_id == "generic-secret"]
        assert hits and all(h.context["confidence"] == "low" and h.context.get("doc") for h in hits), path
    # Laravel's catalogues are PHP arrays (firefly-iii's resources/lang/nb_NO/form.php)
    php = "    'service_secret'        => 'Service-hemmelighet',\n"
    assert not [h for h in engine.scan_text(php, "resources/lang/nb_NO/form.php") if h.rule_id == "generic-secret"]
    php = "    'service_secret'        => 'Service-hemmelighet-" + "Xq7vLm2',\n"
    hits = [h for h in engine.scan_text(php, "resources/lang/nb_NO/form.php") if h.rule_id == "generic-secret"]
    assert hits and all(h.context["confidence"] == "low" and h.context.get("doc") for h in hits)
    for path in ("config/nb-NO.json", "src/lang/loader.json", "src/lang/lang-loader.json",
                 "src/locale/locale.constant-loader.json"):
        hits = [h for h in engine.scan_text(line, path) if h.rule_id == "generic-secret"]
        assert hits and all(h.context["confidence"] == "medium" for h in hits), path


def test_a_commented_out_ini_setting_in_yaml_is_a_comment(engine):
    """An INI file in a YAML block scalar (a Helm chart's `grafana.ini: |`) comments its
    defaults out with `;`: a commented-out value, confidence low, as under `#`."""
    text = 'config: |\n  [security]\n  ;admin_password = Zx9mQ2pLk1wT\n  ;secret_key = Rq4vT8mWx2LpZ9nK\n'
    hits = [h for h in engine.scan_text(text, "charts/app/values.yaml") if h.rule_id == "generic-secret"]
    assert sorted(h.secret for h in hits) == ["Rq4vT8mWx2LpZ9nK", "Zx9mQ2pLk1wT"]
    assert all(h.context["confidence"] == "low" for h in hits)


# ---- through the CLI on real repositories ---------------------------------------------------
STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dcTYooMQauvdEDq54NiTphI7jx"


def test_confidence_severity_and_ignore(tmp_path):
    """A provider key in code: medium or high confidence, hidden by `ignore`. A documentation
    example and a generic guess in a test: low confidence, severity capped at low, noted,
    reported, and never hidden."""
    r = Repo(tmp_path / "repo")
    r.commit("init", {
        "app/billing.py": f'STRIPE_KEY = "{STRIPE}"\n',
        "docs/config.rst": "Set it::\n\n    SECRET_KEY = '192b9bdd22ab9ed4d12e236c78afcb9a'\n",
        "tests/test_login.py": 'client.login(username="bob", password="Zx9#mQ2pLk7")\n',
        "lib/orm.py": "def get(self, passive=PASSIVE_OFF):\n    token = tokens[0]\n",
    })
    report, _ = scan_json(r.path, "--no-history")
    conf = {f["locations"][0]["path"]: f for f in report["findings"]}
    assert set(conf) == {"app/billing.py", "docs/config.rst", "tests/test_login.py"}, sorted(conf)
    assert conf["app/billing.py"]["confidence"] in ("high", "medium")
    for p in ("docs/config.rst", "tests/test_login.py"):
        assert conf[p]["confidence"] == "low"
        assert conf[p]["blast"]["severity"] == "low"
    assert any("documentation example" in n for n in conf["docs/config.rst"]["notes"])
    p = credfence("ignore", str(r.path), "--agents", "cursor", "--write")
    assert p.returncode == 0, p.stderr
    hidden = (r.path / ".cursorignore").read_text()
    assert "app/billing.py" in hidden
    assert "docs/config.rst" not in hidden and "tests/test_login.py" not in hidden and "lib/orm.py" not in hidden


GENERATED_HEAD = "# This file was auto-generated by Fern from our API Definition.\n\nimport typing\n\n"
SIGNATURE = '    auth_token: typing.Optional[str] = "zw5Ku6z2sxhd0ZVXto5SDHX6KPDByJPU",\n'


def test_a_generic_guess_in_generated_source_is_low_confidence(tmp_path):
    """A generated client's literals are its API definition's examples (auth0-python): a
    generic guess there is low confidence, in every version of the file (the later ones are
    judged from the memo, Engine.known_hits); the same line in hand-written code is not, nor
    is a provider's key in the generated file, nor a value in generated configuration."""
    r = Repo(tmp_path / "repo")
    client = GENERATED_HEAD + "def set_provider(\n    *,\n" + SIGNATURE + "):\n    pass\n"
    r.commit("generate", {
        "src/phone/client.py": client,
        "src/billing/client.py": GENERATED_HEAD + f'DEFAULT_KEY = "{STRIPE}"\n',
        "src/hand/client.py": "import typing\n\ndef set_provider(\n    *,\n"
                              + SIGNATURE.replace("zw5Ku6z2", "Qr7Tn2Lw") + "):\n    pass\n",
        "deploy/app.env": "# auto-generated by setup.sh\nDB_PASSWORD=Zx9mQ2pLk7wE4rTy\n",
    })
    r.commit("regenerate", {"src/phone/client.py": client + "\n\ndef other():\n    pass\n"})
    report, _ = scan_json(r.path)
    conf = {f["locations"][0]["path"]: f for f in report["findings"]}
    assert set(conf) == {"src/phone/client.py", "src/billing/client.py", "src/hand/client.py", "deploy/app.env"}, \
        sorted(conf)
    assert conf["src/phone/client.py"]["confidence"] == "low", conf["src/phone/client.py"]
    assert len(conf["src/phone/client.py"]["locations"]) >= 2  # the work tree and the history
    assert conf["src/hand/client.py"]["confidence"] == "medium", conf["src/hand/client.py"]
    assert conf["src/billing/client.py"]["confidence"] in ("high", "medium")
    assert not any("generated" in c for c in conf["deploy/app.env"].get("contexts", []))


def test_a_content_is_not_read_as_generated_from_the_next_one_in_the_buffer(engine):
    """Blobs are matched many to a buffer: a short hand-written file followed by a generated
    one must not borrow its head (a scan rated a hand-written client low one time in six)."""
    from scanner.engine import mark_generated
    from scanner.model import Hit

    hand = b"import typing\n" + SIGNATURE.encode()
    buf = b"\n" + hand + b"\n" + GENERATED_HEAD.encode() + SIGNATURE.encode() + b"\n"
    hits = [Hit("generic-secret", SIGNATURE.split('"')[1], 2, 40)]
    mark_generated(engine, hits, buf, "src/hand/client.py", 1, 1 + len(hand))
    assert "generated" not in hits[0].context
    start = 2 + len(hand)
    mark_generated(engine, hits, buf, "src/phone/client.py", start, len(buf) - 1)
    assert hits[0].context.get("generated") is True


@pytest.mark.parametrize("head,path,generated", [
    (b"// Code generated by protoc-gen-go. DO NOT EDIT.\n", "api/v1/auth.pb.go", True),
    (b"# This file was auto-generated by Fern from our API Definition.\n", "src/client.py", True),
    (b"/* @generated */\n", "web/schema.ts", True),
    (b"# File generated from our OpenAPI spec by Stainless.\n", "src/openai/types/x.py", True),
    # configuration a tool writes holds real values; a file that only mentions generation is not generated
    (b"# auto-generated by setup.sh\n", "deploy/app.env", False),
    (b"# Code generated by kubeadm. DO NOT EDIT.\n", "admin.conf", False),
    (b"# the token is generated by the server\n", "src/client.py", False),
])
def test_generated_source_is_told_by_its_head(head, path, generated):
    from detectors.generic import is_generated_code

    assert is_generated_code(head, path) is generated


def test_sarif_rank_and_text_show_confidence(tmp_path):
    r = Repo(tmp_path / "repo")
    r.commit("init", {"docs/config.rst": "    SECRET_KEY = '192b9bdd22ab9ed4d12e236c78afcb9a'\n"})
    out = tmp_path / "r.sarif"
    p = credfence("scan", str(r.path), "--no-history", "--format", "sarif", "--output", str(out), "-q")
    assert p.returncode in (0, 1), p.stderr
    res = json.loads(out.read_text())["runs"][0]["results"]
    assert res and res[0]["rank"] == 20.0 and res[0]["properties"]["confidence"] == "low"
    p = credfence("scan", str(r.path), "--no-history")
    assert " low " in p.stdout and "conf" in p.stdout


def test_history_skips_noise_like_the_work_tree(tmp_path):
    """A minified bundle, a lock file or a node_modules/ file that only history holds is
    skipped and counted as noise, as in the work tree; a real file beside it is scanned."""
    r = Repo(tmp_path / "repo")
    r.commit("built docs", {
        "assets/bundle.min.js": f'var k="{STRIPE}";\n',
        "node_modules/x/index.js": f'module.exports = "{STRIPE}";\n',
        "yarn.lock": f'  resolved "{STRIPE}"\n',
        # built documentation's search indexes (MkDocs, Sphinx): the docs' text again, on one line
        "dev/search/search_index.json": f'{{"docs": [{{"text": "key = {STRIPE}"}}]}}\n',
        "_build/html/searchindex.js": f'Search.setIndex({{"k": "{STRIPE}"}})\n',
        "deploy.sh": f"export STRIPE_KEY={STRIPE}\n",
    })
    r.commit("remove", {"assets/bundle.min.js": None, "node_modules/x/index.js": None, "yarn.lock": None,
                        "dev/search/search_index.json": None, "_build/html/searchindex.js": None,
                        "deploy.sh": None})
    report, _ = scan_json(r.path)
    paths = {loc["path"] for f in report["findings"] for loc in f["locations"]}
    assert paths == {"deploy.sh"}, paths
    assert report["stats"]["skipped"].get("noise-file", 0) >= 5, report["stats"]["skipped"]


def test_history_skips_binary_names_like_the_work_tree_unless_a_path_was_text(tmp_path):
    """A blob every path of which has a binary suffix (an image, an archive) is skipped
    unread in the history, as in the work tree, and counted as binary; the same bytes
    renamed to a text name (a rename keeps the blob) are scanned."""
    r = Repo(tmp_path / "repo")
    r.commit("assets", {
        "static/logo.png": f"not really an image: key={STRIPE}\n",
        "dist/app.zip": f"STRIPE_KEY={STRIPE}\n",
        "creds.PDF": f"stripe_key = '{STRIPE}'\n",
    })
    r.commit("renamed", {"creds.PDF": None, "notes/creds.txt": f"stripe_key = '{STRIPE}'\n"})
    r.commit("remove", {"static/logo.png": None, "dist/app.zip": None, "notes/creds.txt": None})
    report, _ = scan_json(r.path)
    paths = {loc["path"] for f in report["findings"] for loc in f["locations"]}
    assert paths == {"creds.PDF", "notes/creds.txt"}, paths  # the one blob, at each of its paths
    assert report["stats"]["skipped"].get("binary") == 2, report["stats"]["skipped"]


@pytest.mark.parametrize("path", ["docs/.doctrees/environment.pickle", "build/doctrees/index.doctree",
                                  "model/weights.pkl", "data/arr.npy"])
def test_pickles_doctrees_and_arrays_in_history_are_binary_by_name(tmp_path, path):
    """Python pickles (Sphinx's doctrees are pickles too) and NumPy arrays are binary formats:
    a docs build on a gh-pages branch held most of a history's bytes in them, each version read
    only to be found binary. Skipped unread by name, as an image is: the text put in one here
    is never matched."""
    r = Repo(tmp_path / "repo")
    r.commit("build", {path: f"stripe_key = '{STRIPE}'\n"})
    report, _ = scan_json(r.path)
    assert report["findings"] == [] and report["stats"]["skipped"].get("binary") == 2, report["stats"]["skipped"]


def test_a_password_url_in_a_docstring_is_a_documentation_example():
    """A carrier rule (a URL with a password) inside a docstring is an example of the API
    (httpx documents URL() with `scheme://user:password@host` in its class docstring): low
    confidence, so `credfence ignore` never hides the module; the same URL in code is not."""
    import json
    import subprocess
    import sys

    url = "https://deploy:Vq8tL2rXw9kP4s@db.internal.example"  # credfence: allow (a test value)
    doc = f'class URL:\n    """\n    url = URL("{url}")\n    """\n'
    code = f'URL_WITH_CREDS = "{url}"\n'

    def conf(text):
        p = subprocess.run([sys.executable, "-m", "scanner.cli", "scan", "-", "--stdin-name", "m.py", "--format", "json"],
                           input=text, capture_output=True, text=True, timeout=120)
        return {f["rule"]: f["confidence"] for f in json.loads(p.stdout)["findings"]}

    assert conf(doc).get("url-credentials") == "low"
    assert conf(code).get("url-credentials") in ("medium", "high")


def test_test_folders_that_no_test_word_names():
    """Perl's and Git's t/ (celery keeps its tests there) and one-word kinds of tests
    (funtests/, unit_tests/) are test folders; a t.py file or a contests/ folder is not."""
    from detectors.generic import is_test_path

    for p in ("t/unit/security/__init__.py", "funtests/stress/run.sh", "unit_tests/conf.py", "pkg/integrationtests/a.go",
              "storage/conformance/jwks.go", "internal/suites/OIDC/configuration.yml", "dummyserver/handlers.py",
              "src/mock-server/db.ts",
              "internal/testutil/keys.go", "plugins/http/testcases/mixed/secrets.json", "src/test-helpers/db.ts",
              "testsetup/certs/ca.key.b64", "pkg/test_certs/server.pem",
              # a test's fixtures (scaleway-cli's testfixture/, Gradle's src/testFixtures/)
              "internal/namespaces/instance/v1/testfixture/id_rsa", "lib/src/testFixtures/java/Keys.java",
              # the project or app a framework's tests run against
              "testproj/settings.py", "testproject/settings.py", "django_app/testapp/settings.py",
              # the end-to-end runners' folders, and Jest's
              "cypress/helpers/index.js", "web/playwright/global-setup.ts", "src/__mocks__/api.ts",
              "src/__fixtures__/user.json", ".vib/postgresql-ha/goss/pgpool/vars.yaml",
              ".pongo/kafka/keystore/privkey.key",
              # a JVM build's integration test source set
              "clouddriver/src/integration/java/GiteaContainer.java", "app/src/integrationTest/kotlin/A.kt",
              "core/src/it/java/ITCase.java"):
        assert is_test_path(p), p
    for p in ("tools/t.py", "contests/settings.py", "latest/settings.py", "at/app.cfg", "testimonials/a.cfg",
              "testserverless/app.cfg", "testappliance/settings.py", "protestproj/settings.py", "latestfixtures/a.cfg",
              "cypress.config.js", "src/playwright.ts"):
        assert not is_test_path(p), p


def test_files_named_for_documentation_are_documentation():
    """A page or file named for documentation, in any format and folder, is documentation:
    an app's API docs page shows `curl -u user:password` as an example of the API."""
    from detectors.generic import is_doc_path

    for p in ("app/views/pages/api_docs.html.erb", "web/docs.html", "pkg/client/doc.go", "api-docs.json",
              "templates/documentation.html",
              # LaTeX's documented sources: prose around macros (`token: \meaning#1` in ltxcmds.dtx)
              "texmf-dist/source/latex/oberdiek/ltxcmds.dtx", "source/latex/base/ltfiles.ltx"):
        assert is_doc_path(p), p
    for p in ("docker-compose.yml", "app/views/pages/dockets.html.erb", "src/documents.py", "lib/adoc.rb",
              "app/templates/login.html"):
        assert not is_doc_path(p), p


def test_documentation_folders_with_a_qualifier_are_documentation():
    """FastAPI's tutorial code lives in docs_src/ (`SECRET_KEY = "09d2..."` after "to get a
    string like this run: openssl rand -hex 32"): documentation, like docs/, whatever the
    language of the file."""
    from detectors.generic import is_doc_path

    for path in ("docs_src/security/tutorial004.py", "docs-site/app.js", "examples_legacy/settings.py",
                 "pkg/doc.src/x.py", "docs/src/security/tutorial004.py"):
        assert is_doc_path(path), path
    for path in ("src/app.py", "documents/settings.py", "dockerfiles/app.env", "examplesvc/app.py", "demo.py"):
        assert not is_doc_path(path), path


def test_random_tokens_are_rarely_taken_for_pascal_case_names():
    """The Pascal-case check drops a value under a token's name, and a provider rule's value
    of 20 characters or more, when it reads as words: a random token almost never does (the
    rates the comment at detectors/placeholders.py's _PASCAL_NAME gives)."""
    import random
    import string

    from detectors.placeholders import is_pascal_name

    rng = random.Random(2026)
    alphabet = string.ascii_letters + string.digits
    for n, most in ((12, 0.003), (16, 0.0005), (20, 0.0001), (32, 0.0001)):
        tokens = ["".join(rng.choice(alphabet) for _ in range(n)) for _ in range(10000)]
        assert sum(map(is_pascal_name, tokens)) <= most * len(tokens), n
    assert is_pascal_name("OAuth2Application") and is_pascal_name("ExclusiveStartShardId")
    assert is_pascal_name("ERC721Enumerable") and not is_pascal_name("Enumerable")


def _rated_as_doc(engine, path: str, text: str, keep) -> bool:
    """Is the first hit `keep` takes from the text at this path rated a documentation example
    (scanner/confidence.py)? There must be one."""
    from scanner.confidence import location_confidence

    hits = [h for h in engine.scan_text(text, path) if keep(h)]
    assert hits, (path, text)
    return location_confidence(engine.by_id[hits[0].rule_id], path, hits[0].context)[1]


def test_a_command_under_an_examples_heading_is_a_documentation_example(engine):
    """A command's help text (commander's `.on('--help')`, a shell `usage()`, an argparse
    epilog): a heading that says "Examples:", then commands with a made-up token. Such a
    value is an example within EXAMPLES_HEADING_LINES lines of the heading, in any
    language; the same command with no heading above it, or far below one, is not."""
    from scanner.engine import EXAMPLES_HEADING_LINES

    token = "Zq8vN2rT" + "5wXyK3mP7aLs"
    js = ("  .on('--help', () => {\n    console.log('  Examples:');\n    console.log('');\n"
          f"    console.log('    $ deploy --token {token} acme/site');\n  }})\n")
    sh = f'usage() {{\n  echo "Examples:"\n  echo "  mycli login --password {token}"\n}}\n'
    py = f'parser = argparse.ArgumentParser(epilog="Examples:\\n"\n    "  tool --api-key {token} sync")\n'
    far = js.replace("console.log('');\n", "console.log('');\n" * (EXAMPLES_HEADING_LINES + 1))
    plain = js.replace("console.log('  Examples:');\n", "")
    for path, text, doc in (("app/config/cli.js", js, True), ("bin/mycli", sh, True), ("tools/cli.py", py, True),
                            ("app/config/cli.js", far, False), ("app/config/cli.js", plain, False)):
        assert _rated_as_doc(engine, path, text, lambda h: h.secret == token) is doc, (path, text)


def test_a_value_a_comment_introduces_as_an_example_is_a_documentation_example(engine):
    """A comment that introduces what follows in it as an example ("similar to this:", "For
    instance:"), then the example in the same comment: ansible's inventory script's curl
    command, pulumi/examples' connection string. The same line with the introduction outside
    the comment, or not one, is not an example."""

    pw = "Zq8vN2rT" + "5wXyK3m"
    intro = ("# To confirm that your box can reach the API, perform a\n"
             "# curl command, replacing with suitable values, similar to this:\n"
             f"# curl -X GET https://10.0.0.5/api/login -u admin:{pw}\n")
    cs = f"        // For instance:\n        //\n        //   curl -u admin:{pw} https://api.acme.io/v1\n"
    code = f"# similar to this:\necho start\ncurl -u admin:{pw} https://api.acme.io/v1\n"
    plain = f"# log in first:\n# curl -u admin:{pw} https://api.acme.io/v1\n"
    for path, text, doc in (("scripts/inventory/acme.ini", intro, True), ("src/Client.cs", cs, True),
                            ("deploy/run.sh", code, False), ("deploy/run.sh", plain, False)):
        assert _rated_as_doc(engine, path, text, lambda h: h.secret == pw) is doc, (path, text)


def test_a_value_the_comment_above_its_key_calls_an_example_is_a_documentation_example(engine):
    """A chart's parameter comment right above the key, "Example value taken from ...", then
    the key opening a block and a private key in it (bitnami's concourse chart): an example.
    A comment above that says nothing of the kind, or one a line of code stands between, is
    not."""
    from tests.helpers import PEM

    block = "\n".join("    " + line for line in PEM.splitlines())
    said = ("  ## @param secrets.hostKey Concourse Host Keys.\n  ## Example value taken from the upstream chart\n"
            f"  ##\n  hostKey: |-\n{block}\n")
    other = f"  ## @param secrets.hostKey Concourse Host Keys.\n  hostKey: |-\n{block}\n"
    apart = f"  ## Example value taken from the upstream chart\n  enabled: true\n  hostKey: |-\n{block}\n"
    for text, doc in ((said, True), (other, False), (apart, False)):
        assert _rated_as_doc(engine, "charts/concourse/values.yaml", text, lambda h: h.rule_id == "private-key") is doc, text


def test_a_line_judged_again_from_the_memos_gives_what_it_gave_first():
    """The generic detector remembers what it read of a line (its tokens, its assignments
    both ways, the names it asked about): a line judged again, after docstring_may_matter
    and both docstring answers have used the same memos (and their callers have added to
    what they were given), yields exactly the hits it yielded with the memos empty."""
    from detectors import generic

    lines = [(p, line) for p, line, _ in POSITIVE] + [
        ("app/db.py", 'x = connect()  # password: Zx9#mQ2pLkw'),  # a trailing comment's value
        ("deploy.sh", 'run --password=Zx9#mQ2pLkw --token "Hq7vN2kLp9XwR4tZ"'),  # credfence: allow (flags, read after the rest)
        ("docs/setup.md", 'set PASSWORD=Zx9&amp;mQ2pLkw in your shell'),  # markup unescaped first
    ]

    def judged(path, line):
        return [[(h.rule_id, h.secret, h.column, sorted(h.context.items()))
                 for h in generic.generic_hits(line, 1, path, docstring=doc)] for doc in (False, True)]

    for path, line in lines:
        generic._LEXED.clear()
        generic._ASSIGNED.clear()
        generic.secret_name.cache_clear()
        first = judged(path, line)
        held = {k: list(v) for k, v in generic._ASSIGNED.items()}
        generic.docstring_may_matter(line, path)
        assert judged(path, line) == first == judged(path, line), (path, line)
        # what the memo holds is not what its callers add to
        assert {k: list(v) for k, v in generic._ASSIGNED.items() if k in held} == held, (path, line)
    assert any(any(j) for j in (judged(p, x) for p, x in lines[-3:]))


def test_a_value_of_bytes_in_another_encoding_is_text_not_a_secret(engine):
    """A value that is mostly bytes no UTF-8 reads (GBK's Chinese in xxl-job's
    message_en.properties) is a sentence in another encoding; a password holding one such
    byte is still one. Read from a file's bytes, as a scan reads them."""
    sentence = "login_password_lt_5=".encode() + "登录密码不应低于5位".encode("gbk") + b"\n"
    password = b"db_password=Zx9mQ2pLk1wE" + "é".encode("latin-1") + b"\n"
    from scanner.detect import detect

    assert not detect(engine, sentence, "admin/i18n/message_en.properties")[0]
    assert [h.secret[:12] for h in detect(engine, password, "conf/app.properties")[0]] == ["Zx9mQ2pLk1wE"]


def test_an_example_a_prose_paragraph_introduces_is_a_documentation_example(engine):
    """In prose (an RFC kept as text), a paragraph ending "For example, ... :" introduces the
    block below it, a blank line between, even across a blank line inside the example (a
    request, then its body); a paragraph ending in a full stop introduces nothing, nor does
    an intro further up than EXAMPLE_BLOCK_LINES."""
    from scanner.engine import EXAMPLE_BLOCK_LINES

    basic = "Authorization: Basic " + "ZGVtb2NsaWVudDpRNnNQOHRy" + "Wjl4TTJ2TDRr"  # democlient:Q6sP8trZ9xM2vL4k
    intro = ("   The client authenticates with its credentials.\n\n   For example, the client makes the following\n"
             "   request (with extra line breaks for display purposes\n   only):\n\n")
    request = "     POST /token HTTP/1.1\n     Host: server.example.com\n     " + basic + "\n\n     grant_type=x\n"
    body_below = "     POST /token HTTP/1.1\n     Host: server.example.com\n\n     " + basic + "\n"
    plain = "   The client authenticates with its credentials.\n\n   " + basic + "\n"
    far = intro + "     X-Pad: 1\n" * (EXAMPLE_BLOCK_LINES + 1) + "     " + basic + "\n"
    for text, doc in ((intro + request, True), (intro + body_below, True), (plain, False), (far, False)):
        assert _rated_as_doc(engine, "rfc/draft-oauth.txt", text,
                             lambda h: h.rule_id == "http-basic-auth") is doc, text


def test_a_value_under_a_name_only_ending_in_key_is_low_confidence(engine):
    """`<service>_key` names a service's key as often as a map's: a random value there is
    reported, at low confidence, where an `api_key`'s is medium."""
    value = "roLtT01S6znCR" + "hgoSwNNKY8O7AELn8e4"
    (hit,) = engine.scan_text(f'censys_key = "{value}"\n', "app/settings.py")
    assert hit.secret == value and hit.context["confidence"] == "low"
    (hit,) = engine.scan_text(f'censys_api_key = "{value}"\n', "app/settings.py")
    assert hit.context["confidence"] == "medium"
