"""Generate a Render monorepo of N Docker services for benchmarking `envlint check`.

Run:  python benchmarks/make_monorepo.py N OUTDIR [--seed S]

OUTDIR gets (it must not exist, or must be empty):

    render.yaml                     every service (web and worker), two env groups
    envspec.yaml                    a `services:` entry per service: python, port, env, packages
    services/<name>/Dockerfile      single- or multi-stage; pip install -r, a pinned extra install,
                                    ENV PORT / EXPOSE / gunicorn or uvicorn for web services
    services/<name>/requirements.txt  10-30 pins from a fixed list (one version per package)
    services/<name>/app.py | main.py | tasks.py | worker.py   what the start command runs

Half the services are located with `dockerfilePath` + `dockerContext`, half with `rootDir`.
The content is deterministic: service i depends only on (seed, i), never on N, so the first 100
services of a 1,000-service repository are the 100-service repository, and N=3 is what the smoke
test (tests/test_benchmarks.py) checks.

Planted findings, for every i with i % 100 in (0, 1, 2); all others are meant to be clean:

    i % 100 == 0  web: the Dockerfile's later `pip install acme-sdk-NNNN==1.3.9` replaces the 1.4.2
                  that requirements.txt pins and the spec wants       -> EL103 + EL101 (Dockerfile)
    i % 100 == 1  worker: the spec requires SENTRY_DSN, render.yaml does not set it -> EL301 (envspec.yaml)
    i % 100 == 2  web: render.yaml writes STRIPE_API_KEY (a spec secret) as a literal -> EL302 (render.yaml),
                  and gunicorn binds 127.0.0.1                          -> EL201 (Dockerfile)

Package versions are the same in every service, so the repository-wide pin comparison (EL102)
has nothing to report; the planted SDK is named per service for the same reason.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

SEED = 20240917

# (name, version): every service that pins a package pins this version.
PACKAGES = (
    ("alembic", "1.13.2"), ("anyio", "4.4.0"), ("attrs", "24.2.0"), ("boto3", "1.35.0"),
    ("botocore", "1.35.0"), ("certifi", "2024.7.4"), ("charset-normalizer", "3.3.2"),
    ("click", "8.1.7"), ("cryptography", "43.0.0"), ("h11", "0.14.0"), ("httpx", "0.27.0"),
    ("idna", "3.8"), ("itsdangerous", "2.2.0"), ("jinja2", "3.1.4"), ("jsonschema", "4.23.0"),
    ("kombu", "5.4.0"), ("marshmallow", "3.22.0"), ("numpy", "2.1.0"), ("openai", "1.42.0"),
    ("opentelemetry-api", "1.26.0"), ("orjson", "3.10.7"), ("pandas", "2.2.2"),
    ("prometheus-client", "0.20.0"), ("psycopg2-binary", "2.9.9"), ("pydantic", "2.8.2"),
    ("pydantic-core", "2.20.1"), ("pyjwt", "2.9.0"), ("python-dateutil", "2.9.0.post0"),
    ("python-dotenv", "1.0.1"), ("pytz", "2024.1"), ("pyyaml", "6.0.2"), ("requests", "2.32.3"),
    ("sentry-sdk", "2.13.0"), ("six", "1.16.0"), ("sniffio", "1.3.1"), ("sqlalchemy", "2.0.32"),
    ("stripe", "10.8.0"), ("structlog", "24.4.0"), ("tenacity", "9.0.0"), ("tiktoken", "0.7.0"),
    ("typing-extensions", "4.12.2"), ("urllib3", "2.2.2"), ("werkzeug", "3.0.4"),
)
VERSION = dict(PACKAGES)
SERVERS = {"flask": "3.0.3", "gunicorn": "22.0.0", "fastapi": "0.112.2", "starlette": "0.38.2",
           "uvicorn": "0.30.6", "celery": "5.4.0", "redis": "5.0.8"}
VERSION.update(SERVERS)

DOMAINS = ("billing", "search", "catalog", "orders", "auth", "notify", "reports", "ledger",
           "inventory", "pricing", "media", "profile", "checkout", "shipping", "ratings", "feeds")
PYTHONS = (("3.12", "python:3.12-slim"), ("3.11", "python:3.11-slim-bookworm"), ("3.12", "python:3.12-slim-bookworm"))
PORTS = (8000, 8080, 5000, 3000)
SDK_SPEC, SDK_PINNED, SDK_OVERRIDE = "1.4.2", "1.4.2", "1.3.9"


class Service:
    """Everything about service i, drawn from its own RNG (so it does not depend on N)."""

    def __init__(self, seed: int, i: int):
        rng = random.Random(f"{seed}:{i}")
        self.i = i
        self.plant = i % 100 if i % 100 in (0, 1, 2) else None
        if self.plant in (0, 2):
            self.kind = "web"
        elif self.plant == 1:
            self.kind = "worker"
        else:
            self.kind = "web" if rng.random() < 0.7 else "worker"
        self.name = f"{DOMAINS[i % len(DOMAINS)]}-{'api' if self.kind == 'web' else 'worker'}-{i:04d}"
        self.dir = f"services/{self.name}"
        self.python, self.image = rng.choice(PYTHONS)
        self.multistage = rng.random() < 0.35
        self.by_root_dir = i % 2 == 1
        self.port = rng.choice(PORTS) if self.kind == "web" else None
        if self.kind == "web":
            self.stack = rng.choice(("flask", "fastapi", "fastapi-gunicorn"))
        else:
            self.stack = rng.choice(("celery", "script"))
        needed = {
            "flask": ["flask", "gunicorn"], "fastapi": ["fastapi", "uvicorn", "starlette"],
            "fastapi-gunicorn": ["fastapi", "gunicorn", "uvicorn"], "celery": ["celery", "redis"],
            "script": ["redis"],
        }[self.stack]
        count = rng.randint(10, 30)
        others = [name for name, _ in PACKAGES]
        rng.shuffle(others)
        self.requirements = sorted(set(needed + others[: count - len(needed)]))
        if self.plant == 0:
            self.requirements = sorted(self.requirements + [self.sdk])
        self.extra = next(n for n in others[count:] if n not in self.requirements)  # pinned extra install
        self.spec_packages = rng.sample([n for n in needed if n != "starlette"], 1) + rng.sample(
            [n for n in self.requirements if n not in needed and n != getattr(self, "sdk", None)], 2)
        self.ranged = rng.random() < 0.3  # the spec gives a range instead of a pin
        self.secrets = ["DATABASE_URL"] + (["STRIPE_API_KEY"] if self.domain in ("billing", "checkout") or self.plant == 2 else [])
        self.use_redis_group = self.kind == "worker" or rng.random() < 0.3
        self.workers = rng.choice((2, 3, 4))

    @property
    def domain(self) -> str:
        return DOMAINS[self.i % len(DOMAINS)]

    @property
    def sdk(self) -> str:
        return f"acme-sdk-{self.i:04d}"

    def pin(self, name: str) -> str:
        if name == self.sdk:
            return f"{name}=={SDK_PINNED}"
        if name == "uvicorn" and self.stack == "fastapi":
            return f"uvicorn[standard]=={VERSION[name]}"
        return f"{name}=={VERSION[name]}"

    # --- files ------------------------------------------------------------------------------

    def requirements_txt(self) -> str:
        lines = [f"# {self.name}: pinned runtime dependencies", ""]
        for n, name in enumerate(self.requirements):
            comment = "  # server" if name in ("gunicorn", "uvicorn") else ""
            lines.append(self.pin(name) + comment)
            if n == 4:
                lines.append("")
        return "\n".join(lines) + "\n"

    def start(self) -> tuple[str, str]:
        """(the Dockerfile's CMD line, the module file it runs and its text)."""
        host = "127.0.0.1" if self.plant == 2 else "0.0.0.0"
        if self.stack == "flask":
            return (f"CMD gunicorn --bind {host}:$PORT --workers {self.workers} --access-logfile - app:app",
                    "app.py")
        if self.stack == "fastapi":
            if self.i % 3 == 0:
                return (f'CMD ["uvicorn", "main:app", "--host", "{host}", "--port", "{self.port}", "--proxy-headers"]',
                        "main.py")
            return f"CMD uvicorn main:app --host {host} --port $PORT --workers {self.workers}", "main.py"
        if self.stack == "fastapi-gunicorn":
            return (f'CMD ["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "--bind", "{host}:{self.port}", '
                    f'"--workers", "{self.workers}", "main:app"]', "main.py")
        if self.stack == "celery":
            return 'CMD ["celery", "-A", "tasks", "worker", "--loglevel=info", "--concurrency=2"]', "tasks.py"
        return 'CMD ["python", "worker.py"]', "worker.py"

    def dockerfile(self) -> str:
        cmd, _ = self.start()
        extra = f"{self.extra}=={VERSION[self.extra]}"
        lines = ["# syntax=docker/dockerfile:1"] if self.i % 4 == 0 else []
        lines.append(f"# {self.name} (generated by benchmarks/make_monorepo.py)")
        if self.multistage:
            lines += [
                f"FROM {self.image} AS builder",
                "WORKDIR /build",
                "RUN apt-get update && apt-get install -y --no-install-recommends build-essential "
                "&& rm -rf /var/lib/apt/lists/*",
                "COPY requirements.txt .",
                "RUN python -m venv /opt/venv && \\",
                "    /opt/venv/bin/pip install --no-cache-dir --upgrade pip && \\",
                "    /opt/venv/bin/pip install --no-cache-dir -r requirements.txt",
                f"RUN /opt/venv/bin/pip install --no-cache-dir {extra}",
                "",
                f"FROM {self.image}",
                "ENV PYTHONDONTWRITEBYTECODE=1 \\",
                "    PYTHONUNBUFFERED=1 \\",
                '    PATH="/opt/venv/bin:$PATH"',
                "RUN useradd --create-home app",
                "COPY --from=builder /opt/venv /opt/venv",
                "WORKDIR /home/app/src",
            ]
        else:
            lines += [
                f"FROM {self.image}",
                "ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1",
                "WORKDIR /app",
                "COPY requirements.txt .",
                "RUN pip install --no-cache-dir -r requirements.txt",
                f"RUN pip install --no-cache-dir {extra}",
            ]
        if self.plant == 0:
            lines += ["# the SDK version that worked on a laptop",
                      f"RUN pip install --no-cache-dir {self.sdk}=={SDK_OVERRIDE}"]
        lines.append("COPY . .")
        if self.kind == "web":
            lines += [f"ENV PORT={self.port}", f"EXPOSE {self.port}"]
        else:
            lines.append(f"ENV SERVICE_NAME={self.name}")
        if self.multistage:
            lines.append("USER app")
        lines.append(cmd)
        return "\n".join(lines) + "\n"

    def code(self) -> tuple[str, str]:
        _, filename = self.start()
        if filename == "app.py":
            text = (
                "import os\n\nfrom flask import Flask, jsonify\n\napp = Flask(__name__)\n\n\n"
                "@app.get(\"/healthz\")\ndef healthz():\n    return jsonify(ok=True, service=os.environ.get(\"SERVICE_NAME\"))\n"
            )
        elif filename == "main.py":
            text = (
                "import os\n\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
                "@app.get(\"/healthz\")\nasync def healthz():\n    return {\"ok\": True, \"db\": bool(os.environ.get(\"DATABASE_URL\"))}\n"
            )
        elif filename == "tasks.py":
            text = (
                "import os\n\nfrom celery import Celery\n\n"
                "app = Celery(\"tasks\", broker=os.environ[\"REDIS_URL\"])\n\n\n"
                "@app.task\ndef ping():\n    return \"pong\"\n"
            )
        else:
            text = (
                "import os\nimport time\n\nimport redis\n\n\ndef main():\n"
                "    client = redis.Redis.from_url(os.environ[\"REDIS_URL\"])\n"
                "    while True:\n        client.blpop(\"jobs\", timeout=5)\n        time.sleep(0.1)\n\n\n"
                "if __name__ == \"__main__\":\n    main()\n"
            )
        return filename, text + self.settings()

    def settings(self) -> str:
        """Reads of the variables the spec declares for the service, so none is unused (EL311)."""
        names = ["LOG_LEVEL", *self.secrets]
        names += ["QUEUE_NAME", "REDIS_URL"] if self.kind == "worker" else []
        names += ["SENTRY_DSN"] if self.plant == 1 else []
        reads = "".join(f"    \"{name}\": os.environ.get(\"{name}\"),\n" for name in names)
        # the service's own name: no two services' code is the same text, as in a real monorepo
        # (else whatever envlint shares between identical files would flatter the benchmark)
        return f"\n\nSETTINGS = {{\n{reads}}}\nSERVICE = \"{self.name}\"\n"

    def render_entry(self) -> list[str]:
        lines = [
            f"  - type: {self.kind}",
            f"    name: {self.name}",
            "    runtime: docker",
            f"    plan: {'standard' if self.i % 5 == 0 else 'starter'}",
            "    region: oregon",
        ]
        if self.by_root_dir:
            lines += [f"    rootDir: {self.dir}", "    dockerfilePath: ./Dockerfile", "    dockerContext: ."]
        else:
            lines += [f"    dockerfilePath: ./{self.dir}/Dockerfile", f"    dockerContext: ./{self.dir}"]
        if self.kind == "web":
            lines += ["    healthCheckPath: /healthz", f"    numInstances: {1 + self.i % 3}"]
        lines.append("    envVars:")
        if self.kind == "web":
            lines += ["      - key: PORT", f'        value: "{self.port}"']
        for secret in self.secrets:
            if secret == "STRIPE_API_KEY" and self.plant == 2:
                lines += [f"      - key: {secret}", "        value: sk_live_51HqLyjWDarjtT1zdp7dcXk0RBqqM"]
            else:
                lines += [f"      - key: {secret}", "        sync: false"]
        if self.kind == "worker":
            lines += ["      - key: QUEUE_NAME", f"        value: {self.domain}-jobs"]
        lines += ["      - key: WEB_CONCURRENCY", f'        value: "{self.workers}"'] if self.kind == "web" else []
        lines.append("      - fromGroup: shared-settings")
        if self.use_redis_group:
            lines.append("      - fromGroup: redis-settings")
        return lines

    def spec_entry(self) -> list[str]:
        lines = [f"  {self.name}:", f'    python: "{self.python}"']
        if self.port is not None:
            lines.append(f"    port: {self.port}")
        lines.append("    packages:")
        for name in self.spec_packages:
            if self.ranged and name in SERVERS:
                major = VERSION[name].split(".")[0]
                lines.append(f'      - "{name}>={major},<{int(major) + 1}"' if major != "0" else f"      - {name}>=0.1")
            else:
                lines.append(f"      - {name}=={VERSION[name]}")
        if self.plant == 0:
            lines.append(f"      - {self.sdk}=={SDK_SPEC}")
        lines.append("    env:")
        for secret in self.secrets:
            lines.append(f"      {secret}: {{required: true, secret: true}}")
        if self.kind == "worker":
            lines += ["      QUEUE_NAME:", "        required: true", f"        default: {self.domain}-jobs"]
            lines.append("      REDIS_URL: {required: true}")
        if self.plant == 1:
            lines += ["      SENTRY_DSN:", "        required: true", "        secret: true",
                      "        description: error reporting; set in the Dashboard"]
        return lines


def render_yaml(services: list[Service]) -> str:
    lines = [
        "# Blueprint for the whole monorepo (generated by benchmarks/make_monorepo.py)",
        "envVarGroups:",
        "  - name: shared-settings",
        "    envVars:",
        "      - key: LOG_LEVEL",
        "        value: info",
        "      - key: SENTRY_ENVIRONMENT",
        "        value: production",
        "  - name: redis-settings",
        "    envVars:",
        "      - key: REDIS_URL",
        "        value: redis://red-cache:6379/0",
        "services:",
    ]
    for service in services:
        lines += service.render_entry()
    return "\n".join(lines) + "\n"


def spec_yaml(services: list[Service]) -> str:
    lines = [
        "# What every service of the monorepo needs (generated by benchmarks/make_monorepo.py)",
        "version: 1",
        "bind: 0.0.0.0",
        "env:",
        "  LOG_LEVEL:",
        "    required: true",
        "    default: info",
        "services:",
    ]
    for service in services:
        lines += service.spec_entry()
    return "\n".join(lines) + "\n"


def generate(n: int, outdir: Path, seed: int = SEED) -> list[Service]:
    """Write the monorepo of `n` services into `outdir`; returns the services."""
    if n < 1:
        raise ValueError("N must be at least 1")
    outdir.mkdir(parents=True, exist_ok=True)
    if any(outdir.iterdir()):
        raise FileExistsError(f"{outdir} is not empty")
    services = [Service(seed, i) for i in range(n)]
    for service in services:
        folder = outdir / service.dir
        folder.mkdir(parents=True)
        (folder / "Dockerfile").write_text(service.dockerfile(), encoding="utf-8")
        (folder / "requirements.txt").write_text(service.requirements_txt(), encoding="utf-8")
        filename, text = service.code()
        (folder / filename).write_text(text, encoding="utf-8")
    (outdir / "render.yaml").write_text(render_yaml(services), encoding="utf-8")
    (outdir / "envspec.yaml").write_text(spec_yaml(services), encoding="utf-8")
    return services


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of services")
    parser.add_argument("outdir", type=Path, help="directory to create (must be absent or empty)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    try:
        generate(args.n, args.outdir, args.seed)
    except (ValueError, FileExistsError) as exc:
        print(f"make_monorepo: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
