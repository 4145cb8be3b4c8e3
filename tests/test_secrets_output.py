"""No secret value leaves envlint whole, in any output: each one is seeded where envlint reads it
(render.yaml values, Dockerfile ENV and ARG, .env-like files, the spec's defaults, credentials in
requirement and index URLs) next to a finding that quotes or shows its line."""


import pytest
from run_envlint import envlint


SECRETS = [  # every one appears in the repository below
    "sk_live_S3CRETrender0001", "S3CRETspec0002value", "S3CRETdbpass0003", "S3CRETsh04",
    "S3CRETdefault0005", "ghp_S3CRETarg0006", "S3CRETenv0007", "S3CRETredis0008", "S3CRETdocker0009",
    "S3CRETrunidx0010", "S3CRETidx0011", "S3CRETextra0012", "S3CRETgit0013", "S3CRETurl0014",
    "S3CRETdotenv0015", "S3CRETdotenv0016", "S3CRETexample0017", "S3CRETexample0018",
    "S3CRETmarker0019", "S3CRETftp0020", "S3CRETedit0021", "S3CRETinc0022", "ghp_S3CRETuser0023",
    "S3CRETpip0024", "S3CRETpipenv0025", "S3CRETcmd0026",
]

FILES = {
    "render.yaml": """services:
- type: web
  name: shop
  runtime: docker
  dockerfilePath: ./Dockerfile
  envVars:
  - key: STRIPE_API_KEY
    value: sk_live_S3CRETrender0001
  - key: PAYMENT_SIGNING
    value: S3CRETspec0002value
  - key: DATABASE_URL
    value: postgres://dbuser:S3CRETdbpass0003@db.example.com:5432/shop
  - key: SHORT_TOKEN
    value: S3CRETsh04
  - key: PORT
    value: "8000"
""",
    "envspec.yaml": """version: 1
port: 8000
env:
  PAYMENT_SIGNING: {secret: true, required: true}
  WEBHOOK_SECRET: {secret: true, default: S3CRETdefault0005}
  MISSING_ONE: {required: true}
""",
    "Dockerfile": """FROM python:3.12
ARG GITHUB_TOKEN=ghp_S3CRETarg0006
ENV AWS_SECRET_ACCESS_KEY=S3CRETenv0007 REDIS_URL=redis://:S3CRETredis0008@cache:6379
ENV PAYMENT_SIGNING=S3CRETdocker0009
ENV PIP_INDEX_URL=https://u:S3CRETpipenv0025@pypi.example.com/simple
COPY requirements.txt .
RUN pip install --index-url https://ci:S3CRETrunidx0010@pypi.example.com/simple -r requirements.txt
RUN pip install "z @ https://u:S3CRETpip0024@h.example.com/z.tar.gz ; bad marker" flask==2.0
CMD gunicorn -b 127.0.0.1:8000 app:app https://u:S3CRETcmd0026@h.example.com/
""",
    "requirements.txt": """--index-url https://builder:S3CRETidx0011@pypi.example.com/simple
--extra-index-url https://x:S3CRETextra0012@extra.example.com/simple
private-lib @ git+https://deploy:S3CRETgit0013@github.com/acme/private-lib.git
other @ https://u:S3CRETurl0014@files.example.com/other-1.0.tar.gz
flask==3.0.3
flask==3.0.2
broken @ https://u:S3CRETmarker0019@files.example.com/b.tar.gz ; python_version <
x @ ftp2://u:S3CRETftp0020@host.example.com/x.tar.gz
-e git+https://u:S3CRETedit0021@github.com/a/b.git
-r https://u:S3CRETinc0022@h.example.com/req.txt
git+https://ghp_S3CRETuser0023@github.com/a/c.git
""",
    ".env": "SECRET_KEY=S3CRETdotenv0015\nAPI_TOKEN=S3CRETdotenv0016\n",
    ".env.example": "SECRET_KEY=S3CRETexample0017\nDATABASE_URL=postgres://u:S3CRETexample0018@h/d\n",
    "app.py": 'import os\nos.environ["SECRET_KEY"]\nos.environ["API_TOKEN"]\n'
              'app.run(host="127.0.0.1", port=int(os.environ["PORT"]))\n',
}


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root



def assert_no_secret(*texts: str) -> None:
    leaked = [secret for secret in SECRETS if any(secret in text for text in texts)]
    assert not leaked, leaked


def test_every_secret_is_in_the_repository(repo):
    everything = "".join((repo / name).read_text() for name in FILES)
    assert [s for s in SECRETS if s not in everything] == []


@pytest.mark.parametrize("args", [
    ["--format", "text"], ["--format", "json"], ["--format", "sarif"], ["--format", "github"],
    ["--format", "gitlab"], ["--show-source"], ["--statistics"],
], ids=["text", "json", "sarif", "github", "gitlab", "show-source", "statistics"])
def test_check_output(repo, args):
    result = envlint("check", ".", *args, cwd=repo)
    assert result.returncode == 1, result.stderr
    assert_no_secret(result.stdout, result.stderr)
    assert result.stdout.count("\n") > 3  # the findings about those lines are there, masked


def test_findings_about_those_lines_are_reported(repo):
    """The test above would pass if envlint reported nothing: these findings quote the lines."""
    lines = envlint("check", ".", cwd=repo).stdout.splitlines()
    for expected in (
        "Dockerfile:2:18: EL303 GITHUB_TOKEN looks like a secret but the Dockerfile's ARG sets it to a literal "
        "'ghp…' (17 characters); keep credentials out of the repository",
        "render.yaml:14:12: EL303 SHORT_TOKEN looks like a secret but render.yaml sets it to a literal "
        "'…' (10 characters); keep credentials out of the repository",
        "requirements.txt:8:1: EL001 'x @ ftp2://u:***@host.example.com/x.tar.gz': pip cannot fetch "
        "'ftp2://u:***@host.example.com/x.tar.gz', it is not an http(s), file, ftp or git+/hg+/svn+/bzr+ URL; "
        "pip stops here",
        "requirements.txt:10:4: EL008 -r https://u:***@h.example.com/req.txt: envlint does not download "
        "requirements files, so the requirements in it are not checked",
    ):
        assert expected in lines


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github", "gitlab"])
def test_output_file(repo, tmp_path, output_format):
    out = tmp_path / "report.out"
    result = envlint("check", ".", "--format", output_format, "-o", str(out), cwd=repo)
    assert result.returncode == 1
    assert_no_secret(result.stdout, result.stderr, out.read_text())


def test_baseline_file(repo, tmp_path):
    baseline = tmp_path / "baseline.json"
    result = envlint("check", ".", "--write-baseline", str(baseline), cwd=repo)
    assert result.returncode == 0 and "EL303" in baseline.read_text()
    assert_no_secret(result.stdout, result.stderr, baseline.read_text())
    result = envlint("check", ".", "--baseline", str(baseline), cwd=repo)
    assert result.returncode == 0
    assert_no_secret(result.stdout, result.stderr)


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_env_command(repo, output_format):
    result = envlint("env", ".", "--format", output_format, cwd=repo)
    assert result.returncode == 0, result.stderr
    assert_no_secret(result.stdout, result.stderr)
    assert "postgres://dbuser:***@db.example.com:5432/shop" in result.stdout  # the rest of a URL is shown


def test_exit_2_messages_mask_url_credentials(repo):
    (repo / "envspec.yaml").write_text('version: 1\npackages: ["x @ https://u:S3CRETspec0002value@h/x.tgz ;;"]\n')
    result = envlint("check", ".", cwd=repo)
    assert result.returncode == 2
    assert_no_secret(result.stdout, result.stderr)
