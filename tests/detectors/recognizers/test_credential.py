"""CREDENTIAL: keys, tokens and passwords in config files, code and exports.
Every key below is made up (random characters in the right shape)."""

import random
import string

import pytest

from scanner import privacy
from tests.detectors.recognizers.table import Case, table_tests

_PEM_BODY = ("MHcCAQEEIKq0d3ZfR8mXb2Lw9TnVj5sYc1uHp7oAeGiQkN4rD6aBoAoGCCqGSM49\n"
             "AwEHoUQDQgAE7yZx1WvK3mPq8sLd2Nf5Rj9Ht0Cb4Ug6Ae1Yo7Ki3Sw5Dn8Lz2Mq\n"
             "Xr4Tv6Bp9Gh1Jc3==\n")
PEM = "-----BEGIN EC PRIVATE KEY-----\n" + _PEM_BODY + "-----END EC PRIVATE KEY-----"
PEM_JSON = ('{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\n'
            + _PEM_BODY.replace("\n", "\\n") + '-----END PRIVATE KEY-----\\n", "client_email": "x"}')
AZURE_KEY = "q8Vn2Lc5Xb7Rk1Tz9Mw3Hy6Pd0Fs4Ja2Ue8Gi5Oo1Nl7Bv3Cx9Zr6Yt4Qm0Wk2Eh5Ds8Af1Jg7Ip3Lu6Ky9Tn0Rb4Mc=="

ENTITY = "CREDENTIAL"
KEYS, PROSE, PEM_KEY, COLUMN = ("CredentialRecognizer", "PasswordProseRecognizer", "PrivateKeyRecognizer",
                                "PasswordColumnRecognizer")


def _pem(kind: str, seed: int, lines: int = 3) -> str:
    """A PEM block of `kind` ("RSA PRIVATE KEY"...) around made-up base64."""
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + "+/"
    body = "".join("".join(rng.choice(alphabet) for _ in range(64)) + "\n" for _ in range(lines))
    return f"-----BEGIN {kind}-----\n{body}-----END {kind}-----"


def _users_csv(header: str, *rows: str) -> Case:
    return Case(header + "\n" + "\n".join(rows) + "\n", name="users.csv")


def _column(header: str, rows: tuple[str, ...], value=None, why: str = "") -> Case:
    return Case(header + "\n" + "\n".join(rows) + "\n", value, recognizer=COLUMN, name="users.csv", why=why)


MUST_MATCH = [Case(t, v, recognizer=KEYS) for t, v in [
    ("password=Summer2024!", "Summer2024!"),
    ("DB_PASSWORD=Hx7#kq2Lm", "Hx7#kq2Lm"),
    ('  "password": "Tr0ub4dor&3",', "Tr0ub4dor&3"),
    ("smtp:\n  user: alerts\n  password: 'Winter_2023'", "Winter_2023"),
    ("<add key=\"x\" /><password>Pa55w0rd!</password>", "Pa55w0rd!"),
    ('<connection user="sa" password="Zq9!vLp2"/>', "Zq9!vLp2"),
    ("postgres://admin:S3cr3tPw@db.internal:5432/app", "S3cr3tPw"),
    ("mysql+pymysql://report:r3p0rt-2024@10.0.0.5/crm", "r3p0rt-2024"),
    ("Server=sql01;Database=crm;User Id=sa;Password=Winter#2023;", "Winter#2023"),
    ("Data Source=.\\SQLEXPRESS;Initial Catalog=HR;uid=hr;pwd=Kf83jd!x", "Kf83jd!x"),
    ("aws_access_key_id = AKIA4ZQ7NPKX2LMRTB5D", "AKIA4ZQ7NPKX2LMRTB5D"),
    ("aws_secret_access_key = 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", "f3Kx9Qm2Lp7Vz1Rt8Yb4Nc6Hd0Jg5Ws3Ae2Uo9Iq"),
    ("export GITHUB_TOKEN=ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R", "ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R"),
    ("SLACK=xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
     "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
    ("https://hooks.slack.com/services/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",
     "T0A1B2C3D/B4E5F6G7H/q1w2e3r4t5y6u7i8o9p0a1s2"),
    ("stripe.api_key = 'sk_live_51Hq8XbLk2Vd9Rt4Mz7Pc3Ne'", "sk_live_51Hq8XbLk2Vd9Rt4Mz7Pc3Ne"),
    (f"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={AZURE_KEY};EndpointSuffix=core.windows.net",
     AZURE_KEY),
    ("https://acme.blob.core.windows.net/c/f.pdf?sv=2021-08-06&se=2024-01-01&sp=r&sig=Xb3kLmN9oP2qRsT5uVwX8yZaB"
     "cDeFgHiJkLmNoPqRsTu%3D", "Xb3kLmN9oP2qRsT5uVwX8yZaBcDeFgHiJkLmNoPqRsTu%3D"),
    ("client_secret: 'Qw7.Er9~Ty2_Ui4-Op6'", "Qw7.Er9~Ty2_Ui4-Op6"),
    ("Ticket 4411: new VPN login for the branch. Password: Spring!2025", "Spring!2025"),
    # det-real (issue 22): the last field of a connection string ends at a blank, comma or tag
    ("<connectionString>Server=sql01;User Id=sa;Password=Winter#2023</connectionString>", "Winter#2023"),
    ("Server=sql01;User Id=sa;Password=Winter#2023 was set by the vendor", "Winter#2023"),
    ("Data Source=db;uid=app;pwd=Kf83jd!x, ask Sam for access", "Kf83jd!x"),
    ("Ticket 881: VPN Password: Spring!2025. Call me if it fails.", "Spring!2025"),  # the full stop ends it
]] + [Case(t, v, recognizer=PROSE) for t, v in [
    ("The temporary password is lNKN!4v0N2S - change it at first login.", "lNKN!4v0N2S"),
    ("Login for the vendor portal: admin / Winter2019!", "Winter2019!"),
    ("Wi-Fi password Guest-2024#", "Guest-2024#"),
    ("Update: password changed to Dragon2020$ as of 3/4/2024.", "Dragon2020$"),
    ("Hi Sam, your password was reset to Maple#8812. Please change it.", "Maple#8812"),
    ("Das Kennwort ist Sommer2024! (bitte ändern)", "Sommer2024!"),
    ("Credentials for the NAS: backup / Nas-4471x", "Nas-4471x"),
    ("The new passcode is 8842-Kq for the front desk.", "8842-Kq"),
    ("The admin password remains Tiger_77 until Friday.", "Tiger_77"),
    ("I set the router password to Falcon-2291 yesterday.", "Falcon-2291"),
    ("VPN pw: Hx7#kq2Lm", "Hx7#kq2Lm"),
    ("passwd Qe4!vtr9 for the backup box", "Qe4!vtr9"),
    ("The password on file is Tulip-4471.", "Tulip-4471"),
    ("The password for the Citrix portal is Maple#8812, not the old one.", "Maple#8812"),
    ("Password for jdoe: Orchid_2291", "Orchid_2291"),
    ("Reset the password for jdoe to Winter2024! today.", "Winter2024!"),
]] + [Case(t, t if v is None else v, recognizer=PEM_KEY) for t, v in [
    (PEM, None),
    (_pem("RSA PRIVATE KEY", 1, 6), None),
    (_pem("PRIVATE KEY", 2, 4), None),
    (_pem("OPENSSH PRIVATE KEY", 3, 5), None),
    (_pem("ENCRYPTED PRIVATE KEY", 4, 4), None),
    (_pem("DSA PRIVATE KEY", 5, 3), None),
    (_pem("PGP PRIVATE KEY BLOCK", 6, 4), None),
    ("deploy key:\n" + _pem("RSA PRIVATE KEY", 7, 4) + "\nend of file", _pem("RSA PRIVATE KEY", 7, 4)),
    ("ssh_key: |\n" + _pem("OPENSSH PRIVATE KEY", 8, 3), _pem("OPENSSH PRIVATE KEY", 8, 3)),
    ('{"key": "' + _pem("PRIVATE KEY", 9, 3).replace("\n", "\\n") + '"}', _pem("PRIVATE KEY", 9, 3).replace("\n", "\\n")),
]] + [
    _column("user,Password,notes", ("jdoe,Summer2024!,x", "asmith,N/A,"), "Summer2024!"),
    _column("login;pwd;dept", ("jdoe;Kx82-mm;HR",), "Kx82-mm"),
    _column("username\tadmin_password", ("root\tQ9v!x2Lr",), "Q9v!x2Lr"),
    _column("Name,Kennwort", ("Anna,Sonne#77",), "Sonne#77"),
    _column("site,user,pass", ("vpn,jdoe,hunter2!",), "hunter2!"),
    _column("account,Password,Password Last Set", ("svc_backup,Bk!2024-q3,2024-07-01",), "Bk!2024-q3"),
    _column("host,user,password", ("db1,sa,Winter2023", "db2,sa,***"), "Winter2023", why="masked cell skipped"),
    _column("email,passcode", ("a@x.org,739155",), "739155"),
    _column("Device,PIN", ("door-3,4471",), "4471"),
    _column("user|pwd|notes", ("jdoe|Pa55word!|reset password 77",), "Pa55word!"),
    _column("mot de passe,compte", ("Soleil-2024,jdupont",), "Soleil-2024"),
]

MUST_NOT_MATCH = [Case(t, recognizer=KEYS) for t in [
    "password: ********",
    'db_password = "${DB_PASSWORD}"',
    "password=<your password here>",
    "password = get_password()",
    "PasswordAuthentication no",  # sshd_config
    "password_min_length = 12",
    "password: true",
    "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",  # AWS's documented sample
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",  # Azurite
    "postgres://app@db.internal:5432/app",  # no password
    "https://user:@example.com/",
    "api_key: abc",  # a token key needs a random-looking value
    "token = refresh",
    "password: {{ vault_db_password }}",
    "pwd = os.getcwd()",
    "secret: !vault |",
]] + [Case(t, recognizer=PROSE) for t in [
    "Forgot your password? Click here to reset it",
    "A password reset link was sent.",
    "password is required",
    "Your password must contain 8 characters.",
    "The password is stored in the vault.",
    "Password expired on 2024-03-01.",  # a date after the word, no password
    "Login failed: user jdoe / 10.0.0.7",  # an IP address, not a password
    "Reset the password in 30 days.",
    "Passwords are never sent by e-mail.",
    "pwd prints the working directory",
    "The password for the account is required.",
    "The password on file is expired.",
    "pw: ********",
    "Password for jdoe: see the vault",
    "The password for each user is set by the admin.",
    "upw: 7f3a91",  # not the word pw
]] + [Case(t, recognizer=PEM_KEY) for t in [
    "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",  # documentation
    "-----BEGIN PUBLIC KEY-----\n" + _PEM_BODY + "-----END PUBLIC KEY-----",
    _pem("CERTIFICATE", 10, 4),  # a certificate is public
    _pem("CERTIFICATE REQUEST", 11, 3),
    _pem("RSA PUBLIC KEY", 12, 3),
    "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",  # too short to be a key
    "-----BEGIN OPENSSH PRIVATE KEY-----\n<paste your key here>\n-----END OPENSSH PRIVATE KEY-----",
    "Paste the -----BEGIN PRIVATE KEY----- block into the box.",  # no END line
    _pem("PGP PUBLIC KEY BLOCK", 13, 4),
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host",  # a public key line
]] + [Case(c.text, recognizer=COLUMN, name=c.name) for c in [
    _users_csv("user,password_hash", "jdoe,$2b$12$KIXQJzX4bVv3QdZxk7m9Wu1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p"),
    _users_csv("user,PasswordLastSet", "jdoe,2024-01-02"),
    _users_csv("user,Password", "jdoe,N/A", "asmith,********", "bwu,"),
    _users_csv("user,password_expires", "jdoe,2025-06-30"),
    _users_csv("user,Password Required", "jdoe,TRUE"),
    _users_csv("user,notes", "jdoe,reset password 77"),  # the word is in a cell, not the header
    _users_csv("passenger,seat", "Ana Lee,12A"),  # "pass" inside another word
    _users_csv("user,password_salt", "jdoe,9f8e7d6c5b4a"),
    _users_csv("user,Password Hint", "jdoe,first dog"),
    _users_csv("compass_heading,speed", "270,12.5"),
    _users_csv("user,pwd_changed", "jdoe,2023-11-04"),
]]


test_must_match, test_must_not_match = table_tests(MUST_MATCH, MUST_NOT_MATCH, ENTITY)


def test_gcp_service_account_key_in_json(found):
    got = found(PEM_JSON, "CREDENTIAL")
    assert len(got) == 1 and got[0].startswith("-----BEGIN PRIVATE KEY-----")
    # The same key in a .pem file and escaped in JSON is one value.
    assert privacy.normalise("CREDENTIAL", got[0].replace("BEGIN PRIVATE", "BEGIN EC PRIVATE")
                             .replace("END PRIVATE", "END EC PRIVATE")) == privacy.normalise("CREDENTIAL", PEM)


def test_password_column(found, engine):
    from scanner.extractors.delimited import DelimitedLayout
    from scanner.model import Segment

    text = "user,Password,password_last_set,notes\njdoe,Summer2024!,2024-01-02,reset password 77\nasmith,N/A,,\n"
    layout = DelimitedLayout(("user", "Password", "password_last_set", "notes"), ",")
    got = [text[r.start:r.end] for r in engine.detect(Segment(text, layout=layout)) if r.entity_type == "CREDENTIAL"]
    assert got == ["Summer2024!"]


def test_masked_value_reveals_nothing_useful():
    assert privacy.mask("CREDENTIAL", "Summer2024!") == "Su…(8-11 chars)"
    assert privacy.mask("CREDENTIAL", "abc12") == "a…(<8 chars)"
    assert privacy.mask("CREDENTIAL", PEM) == f"-----BEGIN EC PRIVATE KEY-----…({len(PEM) // 100 * 100}+ chars)"
    assert "2024" not in privacy.mask("CREDENTIAL", "Summer2024!")
