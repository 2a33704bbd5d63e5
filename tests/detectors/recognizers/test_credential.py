"""CREDENTIAL: keys, tokens and passwords in config files, code and exports.
Every key below is made up (random characters in the right shape)."""

import pytest

from scanner import privacy

_PEM_BODY = ("MHcCAQEEIKq0d3ZfR8mXb2Lw9TnVj5sYc1uHp7oAeGiQkN4rD6aBoAoGCCqGSM49\n"
             "AwEHoUQDQgAE7yZx1WvK3mPq8sLd2Nf5Rj9Ht0Cb4Ug6Ae1Yo7Ki3Sw5Dn8Lz2Mq\n"
             "Xr4Tv6Bp9Gh1Jc3==\n")
PEM = "-----BEGIN EC PRIVATE KEY-----\n" + _PEM_BODY + "-----END EC PRIVATE KEY-----"
PEM_JSON = ('{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\n'
            + _PEM_BODY.replace("\n", "\\n") + '-----END PRIVATE KEY-----\\n", "client_email": "x"}')
AZURE_KEY = "q8Vn2Lc5Xb7Rk1Tz9Mw3Hy6Pd0Fs4Ja2Ue8Gi5Oo1Nl7Bv3Cx9Zr6Yt4Qm0Wk2Eh5Ds8Af1Jg7Ip3Lu6Ky9Tn0Rb4Mc=="

MUST_MATCH = [
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
    ("Ticket 4411: new VPN login for the branch. Password: Spring!2025", "Spring!2025"),
    ("The temporary password is lNKN!4v0N2S - change it at first login.", "lNKN!4v0N2S"),
    ("Login for the vendor portal: admin / Winter2019!", "Winter2019!"),
    ("Wi-Fi password Guest-2024#", "Guest-2024#"),
    ("Update: password changed to Dragon2020$ as of 3/4/2024.", "Dragon2020$"),
    (PEM, PEM),
]

MUST_NOT_MATCH = [
    "password: ********",
    'db_password = "${DB_PASSWORD}"',
    "password=<your password here>",
    "password = get_password()",
    "PasswordAuthentication no",  # sshd_config
    "Forgot your password? Click here to reset it",
    "password_min_length = 12",
    "password: true",
    "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",  # AWS's documented sample
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",  # Azurite
    "postgres://app@db.internal:5432/app",  # no password
    "https://user:@example.com/",
    "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",  # documentation
    "-----BEGIN PUBLIC KEY-----\n" + _PEM_BODY + "-----END PUBLIC KEY-----",
    "api_key: abc",  # a token key needs a random-looking value
    "token = refresh",
    "password: {{ vault_db_password }}",
    "pwd = os.getcwd()",
    "secret: !vault |",
    "A password reset link was sent.",
    "password is required",
    "Your password must contain 8 characters.",
]


@pytest.mark.parametrize("text,value", MUST_MATCH)
def test_credential_found(found, text, value):
    assert found(text, "CREDENTIAL") == [value]


@pytest.mark.parametrize("text", MUST_NOT_MATCH)
def test_credential_not_found(found, text):
    assert found(text, "CREDENTIAL") == []


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
