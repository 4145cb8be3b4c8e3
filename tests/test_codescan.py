"""Environment reads found in a repository's Python code (envlint.extract.codescan).

Each test writes a small repository; the expected rows are written by hand from the fixture
text: (name, "line:column" or "path:line:column", default, has_default, required, secret, how),
columns 1-based and counted in characters.
"""

from __future__ import annotations

from pathlib import Path

from envlint.extract.codescan import EnvRead, scan_env_reads
from envlint.facts import Location
from envlint.repo import Repo
from fixture_tree import write_tree


def scan(tmp_path: Path, files: dict[str, str | bytes], paths: list[str] | None = None):
    write_tree(tmp_path, files, dedent=True)
    return scan_env_reads(Repo(tmp_path), paths)


def rows(reads: list[EnvRead], with_path: bool = False) -> list[tuple]:
    def where(r: EnvRead) -> str:
        return f"{r.location.path}:{r.location.line}:{r.location.column}" if with_path else \
            f"{r.location.line}:{r.location.column}"
    return [(r.name, where(r), r.default, r.has_default, r.required, r.secret, r.how) for r in reads]


def only_reads(tmp_path: Path, source: str) -> list[tuple]:
    reads, problems = scan(tmp_path, {"app.py": source})
    assert problems == []
    return rows(reads)


# --- os.environ forms -----------------------------------------------------------------------


def test_each_os_environ_form(tmp_path):
    assert only_reads(tmp_path, """
        import os

        a = os.environ["REQ"]
        b = os.environ.get("OPT")
        c = os.environ.get("OPT_D", "d")
        d = os.getenv("GET", default="8000")
        e = os.getenv("NUM", 5000)
        f = os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings")
        g = "PRESENT" in os.environ
        h = os.environ.pop("POPPED")
        i = os.environ.pop("POPPED_D", None)
        j = os.getenv("NONE_D", None)
        k = os.getenv("OTHER", a)
        l = os.environ.setdefault("NO_STR_DEFAULT")
        os.environ["PATH_LIKE"] += ":/opt/bin"
        m = os.getenv("NEG", -1)
    """) == [
        ("REQ", "3:16", None, False, True, False, "os.environ[]"),
        ("OPT", "4:20", None, False, False, False, "os.environ.get"),
        ("OPT_D", "5:20", "d", True, False, False, "os.environ.get"),
        ("GET", "6:15", "8000", True, False, False, "os.getenv"),
        ("NUM", "7:15", "5000", True, False, False, "os.getenv"),
        ("DJANGO_SETTINGS_MODULE", "8:27", "site.settings", True, False, False, "os.environ.setdefault"),
        ("PRESENT", "9:5", None, False, False, False, "in os.environ"),
        ("POPPED", "10:20", None, False, True, False, "os.environ.pop"),
        ("POPPED_D", "11:20", None, False, False, False, "os.environ.pop"),  # None: no default, no KeyError
        ("NONE_D", "12:15", None, False, False, False, "os.getenv"),
        ("OTHER", "13:15", None, True, False, False, "os.getenv"),  # a default, not a literal
        ("NO_STR_DEFAULT", "14:27", None, False, True, False, "os.environ.setdefault"),  # TypeError when unset
        ("PATH_LIKE", "15:12", None, False, True, False, "os.environ[]"),
        ("NEG", "16:15", "-1", True, False, False, "os.getenv"),
    ]


def test_location_spans_the_literal_in_characters(tmp_path):
    reads, _ = scan(tmp_path, {"app.py": 'import os\nx = "é" + os.environ["UNI"]\n'})
    # `x = "é" + ` is 10 characters (11 bytes): the literal starts at column 22, ends before 27
    assert reads == [EnvRead("UNI", Location("app.py", 2, 22, 2, 27), None, False, True, False, "os.environ[]")]


def test_or_gives_a_read_without_default_its_fallback(tmp_path):
    assert only_reads(tmp_path, """
        import os
        port = os.getenv("PORT") or "8000"
        host = os.environ.get("A") or os.environ.get("B") or "x"
        kept = os.getenv("C", "c") or "ignored"
    """) == [
        ("PORT", "2:18", "8000", True, False, False, "os.getenv"),
        ("A", "3:23", None, True, False, False, "os.environ.get"),  # falls back on an expression
        ("B", "3:46", "x", True, False, False, "os.environ.get"),
        ("C", "4:18", "c", True, False, False, "os.getenv"),
    ]


def test_imports_and_aliases_are_resolved(tmp_path):
    assert only_reads(tmp_path, """
        import os as o
        from os import environ as E, getenv
        from os import getenv as ge
        import os.path

        o.environ["A"]
        E["B"]
        E.get("C")
        getenv("D")
        ge("E")
        os.environ["F"]


        def inner():
            import os as system
            return system.environ["G"]
    """) == [
        ("A", "6:11", None, False, True, False, "os.environ[]"),
        ("B", "7:3", None, False, True, False, "os.environ[]"),
        ("C", "8:7", None, False, False, False, "os.environ.get"),
        ("D", "9:8", None, False, False, False, "os.getenv"),
        ("E", "10:4", None, False, False, False, "os.getenv"),
        ("F", "11:12", None, False, True, False, "os.environ[]"),  # `import os.path` binds os
        ("G", "16:27", None, False, True, False, "os.environ[]"),
    ]


def test_what_is_not_a_read_of_os_environ(tmp_path):
    assert only_reads(tmp_path, """
        import os
        import os.path as osp
        from mylib import environ, getenv
        from os import path

        os.path.join("NOT_A")
        osp.environ["NOT_B"]
        environ["NOT_C"]
        getenv("NOT_D")
        path.getenv("NOT_E")


        def shadow_param(os):
            return os.environ["NOT_F"]


        def shadow_local():
            os = object()
            return os.getenv("NOT_G")


        shadowed = [os.environ["NOT_H"] for os in [None]]
        handler = lambda os: os.environ["NOT_I"]
        name = input()
        os.environ[name]
        os.environ[name + "_X"]
        os.environ[f"APP_{name}"]
        os.getenv("PREFIX_" + name)
        os.getenv(f"{name:>10}")
        getattr(os.environ, "get")("NOT_J")
        {"get": os.environ.get}["get"]("NOT_K")
        dict(os.environ)["NOT_L"]
        os.environ["WRITTEN"] = "1"
        del os.environ["DELETED"]
        os.environ.update(NOT_M="1")
        environ.get("NOT_N") or os.getenv
        unbound_os.environ["NOT_O"]
    """) == []


def test_a_module_that_rebinds_os_reads_nothing_through_it(tmp_path):
    assert only_reads(tmp_path, """
        import os

        os.environ["NOT_AFTER_GLOBAL"]


        def reset():
            global os
            os = None
    """) == []


def test_class_scope_is_skipped_by_its_methods(tmp_path):
    assert only_reads(tmp_path, """
        import os


        class Holder:
            os = None

            def method(self):
                return os.environ["SEEN_IN_METHOD"]
    """) == [("SEEN_IN_METHOD", "8:27", None, False, True, False, "os.environ[]")]


# --- names given by constants ---------------------------------------------------------------


def test_names_from_constants(tmp_path):
    assert only_reads(tmp_path, """
        import os

        KEY = "API_KEY"
        PREFIX = "APP_"
        FULL = PREFIX + "TOKEN"
        TWICE = "A"
        TWICE = "B"


        class Names:
            SECRET = "SECRET_NAME"

            def read(self):
                return os.environ[self.SECRET]


        os.environ[KEY]
        os.getenv(FULL)
        os.getenv(f"{PREFIX}DEBUG", "0")
        os.environ[Names.SECRET]
        os.environ[TWICE]
        os.getenv("PORT", DEFAULT_PORT)
        DEFAULT_PORT = 8080


        def local_shadow(KEY):
            return os.environ[KEY]
    """) == [
        ("SECRET_NAME", "14:27", None, False, True, False, "os.environ[]"),
        ("API_KEY", "17:12", None, False, True, False, "os.environ[]"),
        ("APP_TOKEN", "18:11", None, False, False, False, "os.getenv"),
        ("APP_DEBUG", "19:11", "0", True, False, False, "os.getenv"),
        ("SECRET_NAME", "20:12", None, False, True, False, "os.environ[]"),
        ("PORT", "22:11", "8080", True, False, False, "os.getenv"),
    ]


# --- guards ---------------------------------------------------------------------------------


def test_reads_that_cannot_raise_are_not_required(tmp_path):
    assert only_reads(tmp_path, """
        import os

        if "OPTIONAL_A" in os.environ:
            a = os.environ["OPTIONAL_A"]

        if os.getenv("OPTIONAL_B"):
            b = os.environ["OPTIONAL_B"]
        else:
            b = os.environ["OTHER_B"]

        c = os.environ["OPTIONAL_C"] if "OPTIONAL_C" in os.environ else None
        d = "OPTIONAL_D" in os.environ and os.environ["OPTIONAL_D"]

        try:
            e = os.environ["OPTIONAL_E"]
        except KeyError:
            e = None

        try:
            def later():
                return os.environ["LATER"]
        except KeyError:
            pass

        if "X" not in os.environ:
            f = os.environ["GUARD_NOT_IN"]

        if "OTHER" in os.environ:
            g = os.environ["UNGUARDED"]
    """) == [
        ("OPTIONAL_A", "3:4", None, False, False, False, "in os.environ"),
        ("OPTIONAL_A", "4:20", None, False, False, False, "os.environ[]"),
        ("OPTIONAL_B", "6:14", None, False, False, False, "os.getenv"),
        ("OPTIONAL_B", "7:20", None, False, False, False, "os.environ[]"),
        ("OTHER_B", "9:20", None, False, True, False, "os.environ[]"),
        ("OPTIONAL_C", "11:16", None, False, False, False, "os.environ[]"),
        ("OPTIONAL_C", "11:33", None, False, False, False, "in os.environ"),
        ("OPTIONAL_D", "12:5", None, False, False, False, "in os.environ"),
        ("OPTIONAL_D", "12:47", None, False, False, False, "os.environ[]"),
        ("OPTIONAL_E", "15:20", None, False, False, False, "os.environ[]"),
        ("LATER", "21:27", None, False, True, False, "os.environ[]"),  # runs when called, outside the try
        ("X", "25:4", None, False, False, False, "in os.environ"),
        ("GUARD_NOT_IN", "26:20", None, False, True, False, "os.environ[]"),
        ("OTHER", "28:4", None, False, False, False, "in os.environ"),
        ("UNGUARDED", "29:20", None, False, True, False, "os.environ[]"),
    ]


# --- wrappers -------------------------------------------------------------------------------


UTIL = """
    import os


    def env(key, default=None):
        return os.environ.get(key, default)


    def need(key):
        return os.environ[key]


    def flag(name, default="0"):
        return os.getenv(f"APP_{name}") or default


    def secret(key):
        path = os.environ.get(key + "_FILE")
        if path:
            return open(path).read()
        return os.environ[key]


    def either(key, default=None):
        if key in os.environ:
            return os.environ[key]
        return default


    def strict_unless_default(key, default=None):
        if default is None:
            return os.environ[key]
        return os.environ.get(key, default)
"""


def test_wrappers_imported_from_another_module(tmp_path):
    reads, problems = scan(tmp_path, {"app/__init__.py": "", "app/util.py": UTIL, "app/main.py": """
        from app.util import env, need, either, strict_unless_default
        from app import util
        from . import util as rel
        import app.util

        env("W_PLAIN")
        env("W_DEFAULT", "d")
        env("W_KW", default=8000)
        need("W_NEED")
        util.flag("DEBUG")
        util.flag("VERBOSE", "1")
        rel.secret("DB_PASSWORD")
        app.util.env("W_DOTTED")
        either("W_EITHER")
        env(input())
        env(*["W_STARRED"])
        need(key="W_KEYWORD")
        strict_unless_default("W_MIXED")
    """})
    assert problems == []
    assert rows(reads, with_path=True) == [
        ("W_PLAIN", "app/main.py:6:5", None, False, False, False, "wrapper env()"),
        ("W_DEFAULT", "app/main.py:7:5", "d", True, False, False, "wrapper env()"),
        ("W_KW", "app/main.py:8:5", "8000", True, False, False, "wrapper env()"),
        ("W_NEED", "app/main.py:9:6", None, False, True, False, "wrapper need()"),
        ("APP_DEBUG", "app/main.py:10:11", "0", True, False, False, "wrapper flag()"),
        ("APP_VERBOSE", "app/main.py:11:11", "1", True, False, False, "wrapper flag()"),
        ("DB_PASSWORD", "app/main.py:12:12", None, False, True, False, "wrapper secret()"),
        ("DB_PASSWORD_FILE", "app/main.py:12:12", None, False, False, False, "wrapper secret()"),
        ("W_DOTTED", "app/main.py:13:14", None, False, False, False, "wrapper env()"),
        ("W_EITHER", "app/main.py:14:8", None, False, False, False, "wrapper either()"),
        ("W_KEYWORD", "app/main.py:17:10", None, False, True, False, "wrapper need()"),
        # one path raises, one does not: the call is not required (envlint does not follow the `if`)
        ("W_MIXED", "app/main.py:18:23", None, False, False, False, "wrapper strict_unless_default()"),
    ]


def test_wrapper_methods_called_through_self_cls_and_the_class(tmp_path):
    reads, problems = scan(tmp_path, {"sdk/config.py": """
        import os
        from typing import Optional


        class Config:
            PREFIX = "COZE_"

            def _get_env_var(self, key: str) -> Optional[str]:
                return os.getenv(key)

            @staticmethod
            def required(key):
                return os.environ[key]

            @classmethod
            def from_env(cls):
                return cls.required("COZE_BASE_URL")

            @property
            def api_key(self):
                return self._get_env_var("COZE_WORKLOAD_IDENTITY_API_KEY")


        class Child(Config):
            def bucket(self):
                return self._get_env_var(self.PREFIX + "BUCKET_NAME")


        Config.required("COZE_DIRECT")
        cfg = Config()
        cfg._get_env_var("NOT_RESOLVED")


        def get(key):
            return os.getenv(key)


        settings = {}
        settings.get("NOT_A_WRAPPER")
        os.environ.get("REAL")
        get("VIA_GET")
    """})
    assert problems == []
    assert rows(reads) == [
        ("COZE_BASE_URL", "17:29", None, False, True, False, "wrapper Config.required()"),
        ("COZE_WORKLOAD_IDENTITY_API_KEY", "21:34", None, False, False, False, "wrapper Config._get_env_var()"),
        ("COZE_BUCKET_NAME", "26:34", None, False, False, False, "wrapper Config._get_env_var()"),
        ("COZE_DIRECT", "29:17", None, False, True, False, "wrapper Config.required()"),
        ("REAL", "40:16", None, False, False, False, "os.environ.get"),
        ("VIA_GET", "41:5", None, False, False, False, "wrapper get()"),
    ]


def test_constant_imported_from_another_module(tmp_path):
    reads, problems = scan(tmp_path, {
        "keys.py": 'API = "IMPORTED_KEY"\nPREFIX = "SVC_"\n',
        "main.py": "import os\nfrom keys import API\nimport keys\nos.environ[API]\nos.getenv(keys.PREFIX + \"X\")\n",
    })
    assert problems == []
    assert rows(reads, with_path=True) == [
        ("IMPORTED_KEY", "main.py:4:12", None, False, True, False, "os.environ[]"),
        ("SVC_X", "main.py:5:11", None, False, False, False, "os.getenv"),
    ]


# --- pydantic-settings ----------------------------------------------------------------------


def test_pydantic_settings_v2_with_prefix_alias_and_subclass(tmp_path):
    assert only_reads(tmp_path, """
        from typing import ClassVar, Optional

        from pydantic import AliasChoices, Field, SecretStr
        from pydantic_settings import BaseSettings, SettingsConfigDict


        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="app_", env_file=".env")

            api_key: SecretStr
            debug: bool = False
            timeout: float = Field(2.5, description="seconds")
            database_dsn: str = Field(alias="DATABASE_URL")
            redis: str = Field("redis://", validation_alias=AliasChoices("REDIS_URL", "redis_dsn"))
            token: Optional[SecretStr] = None
            tags: list[str] = Field(default_factory=list)
            region: Optional[str]
            _private: str = "x"
            VERSION: ClassVar[str] = "1"


        class Prod(Settings, env_prefix="prod_", case_sensitive=True):
            extra_flag: str = "on"
    """) == [
        ("APP_API_KEY", "10:5", None, False, True, True, "settings field"),
        ("prod_api_key", "10:5", None, False, True, True, "settings field"),
        ("APP_DEBUG", "11:5", "False", True, False, False, "settings field"),
        ("prod_debug", "11:5", "False", True, False, False, "settings field"),
        ("APP_TIMEOUT", "12:5", "2.5", True, False, False, "settings field"),
        ("prod_timeout", "12:5", "2.5", True, False, False, "settings field"),
        ("DATABASE_URL", "13:5", None, False, True, False, "settings field"),  # an alias ignores the prefix
        ("REDIS_DSN", "14:5", "redis://", True, False, False, "settings field"),
        ("REDIS_URL", "14:5", "redis://", True, False, False, "settings field"),
        ("redis_dsn", "14:5", "redis://", True, False, False, "settings field"),
        ("APP_TOKEN", "15:5", None, False, False, True, "settings field"),
        ("prod_token", "15:5", None, False, False, True, "settings field"),
        ("APP_TAGS", "16:5", None, True, False, False, "settings field"),
        ("prod_tags", "16:5", None, True, False, False, "settings field"),
        ("APP_REGION", "17:5", None, False, True, False, "settings field"),  # v2: Optional is still required
        ("prod_region", "17:5", None, False, True, False, "settings field"),
        ("prod_extra_flag", "23:5", "on", True, False, False, "settings field"),
    ]


def test_pydantic_v1_settings(tmp_path):
    assert only_reads(tmp_path, """
        from typing import Optional

        from pydantic import BaseSettings, Field, SecretStr


        class Legacy(BaseSettings):
            password: SecretStr
            name: Optional[str]
            url: str = Field(..., env="LEGACY_URL")
            hosts: str = Field("h", env=["HOSTS_A", "HOSTS_B"])
            nick: str = Field("n", alias="IGNORED_ALIAS")
            port: int

            class Config:
                env_prefix = "legacy_"
                fields = {"port": {"env": "LEGACY_PORT_OVERRIDE"}}
    """) == [
        ("LEGACY_PASSWORD", "7:5", None, False, True, True, "settings field"),
        ("LEGACY_NAME", "8:5", None, False, False, False, "settings field"),  # v1: Optional defaults to None
        ("LEGACY_URL", "9:5", None, False, True, False, "settings field"),
        ("HOSTS_A", "10:5", "h", True, False, False, "settings field"),
        ("HOSTS_B", "10:5", "h", True, False, False, "settings field"),
        ("LEGACY_NICK", "11:5", "n", True, False, False, "settings field"),
        ("LEGACY_PORT_OVERRIDE", "12:5", None, False, True, False, "settings field"),
    ]


def test_settings_prefix_target_and_unknown_prefix(tmp_path):
    assert only_reads(tmp_path, """
        from pydantic import Field
        from pydantic_settings import BaseSettings, SettingsConfigDict

        PREFIX = compute_prefix()


        class Unknown(BaseSettings):
            model_config = SettingsConfigDict(env_prefix=PREFIX)
            a: str
            b: str = Field(alias="B_ALIAS")


        class Everything(BaseSettings):
            model_config = {"env_prefix": "E_", "env_prefix_target": "all"}
            c: str = "c"
            d: str = Field("d", alias="D_ALIAS")


        class AliasesOnly(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="O_", env_prefix_target="alias")
            e: int = 1
            f: int = Field(2, validation_alias="F_ALIAS")


        class NotSettings:
            g: str
    """) == [
        ("B_ALIAS", "10:5", None, False, True, False, "settings field"),
        ("E_C", "15:5", "c", True, False, False, "settings field"),
        ("E_D_ALIAS", "16:5", "d", True, False, False, "settings field"),
        ("E", "21:5", "1", True, False, False, "settings field"),
        ("O_F_ALIAS", "22:5", "2", True, False, False, "settings field"),
    ]


def test_settings_base_class_in_another_module(tmp_path):
    reads, problems = scan(tmp_path, {
        "conf/base.py": """
            import pydantic_settings


            class Base(pydantic_settings.BaseSettings):
                model_config = pydantic_settings.SettingsConfigDict(env_prefix="SVC_")
                shared: str
        """,
        "conf/app.py": """
            from conf.base import Base


            class App(Base):
                own: int = 1
        """,
    })
    assert problems == []
    assert rows(reads, with_path=True) == [
        ("SVC_OWN", "conf/app.py:5:5", "1", True, False, False, "settings field"),
        ("SVC_SHARED", "conf/base.py:6:5", None, False, True, False, "settings field"),
    ]


# --- files that cannot be read --------------------------------------------------------------


def test_bad_files_are_problems_and_the_scan_goes_on(tmp_path):
    reads, problems = scan(tmp_path, {
        "a_good.py": 'import os\nos.environ["ONE"]\n',
        "b_syntax.py": "import os\n\ndef broken(:\n    os.environ\n",
        "c_binary.py": b"x = '\xff'  # os.environ\n",
        "d_nul.py": b"x = 1\x00  # os.environ\n",
        "g_unparsed.py": "def broken(:\n",  # says nothing of the environment: never parsed
        "e_good.py": 'from os import getenv\ngetenv("TWO")\n',
        "f_latin1.py": b'# -*- coding: latin-1 -*-\nimport os\nos.environ["CAF\xc9"]\nos.environ["THREE"]\n',
        "notes.txt": 'os.environ["NOT_PYTHON"]\n',
        ".venv/lib/skipped.py": 'import os\nos.environ["IN_VENV"]\n',
    })
    assert rows(reads, with_path=True) == [
        ("ONE", "a_good.py:2:12", None, False, True, False, "os.environ[]"),
        ("TWO", "e_good.py:2:8", None, False, False, False, "os.getenv"),
        ("CAF\u00c9", "f_latin1.py:3:12", None, False, True, False, "os.environ[]"),
        ("THREE", "f_latin1.py:4:12", None, False, True, False, "os.environ[]"),
    ]
    # a stray file must not stop the check: every failure is EL006's kind, never "unreadable"
    assert [(p.kind, p.location.path, p.location.line) for p in problems] == [
        ("python-syntax", "b_syntax.py", 3),
        ("python-syntax", "c_binary.py", 1),
        ("python-syntax", "d_nul.py", 1),
    ]
    assert problems[0].message.startswith("b_syntax.py does not parse: ")


def test_only_the_given_paths_are_scanned(tmp_path):
    reads, problems = scan(tmp_path, {
        "one.py": 'import os\nos.environ["ONE"]\n',
        "two.py": 'import os\nos.environ["TWO"]\n',
    }, paths=["two.py"])
    assert problems == [] and [r.name for r in reads] == ["TWO"]


def test_files_that_do_not_name_the_environment_are_parsed_only_when_needed(tmp_path):
    # only main.py and settings.py say environ/getenv/BaseSettings; the constant two files away,
    # the wrapper's caller and the settings subclass are found by following what those use
    reads, problems = scan(tmp_path, {
        "main.py": 'import os\nfrom names import KEY\nAPI = os.environ[KEY]\n\ndef env(name):\n'
                   '    return os.getenv(name)\n',
        "names.py": "from deeper import BASE\nKEY = BASE + '_KEY'\n",
        "deeper.py": "BASE = 'OPENAI'\n",
        "caller.py": "from main import env\nREGION = env('REGION')\n",
        "settings.py": "from pydantic_settings import BaseSettings\n\nclass Base(BaseSettings):\n    debug: bool = False\n",
        "prod.py": "from settings import Base\n\nclass Prod(Base):\n    db_url: str\n",
        "unrelated.py": "def broken(:\n",  # never parsed: no problem reported
    })
    assert problems == []
    assert rows(reads, with_path=True) == [
        ("REGION", "caller.py:2:14", None, False, False, False, "wrapper env()"),
        ("OPENAI_KEY", "main.py:3:18", None, False, True, False, "os.environ[]"),
        ("DB_URL", "prod.py:4:5", None, False, True, False, "settings field"),
        ("DEBUG", "settings.py:4:5", "False", True, False, False, "settings field"),
    ]


def test_files_with_the_same_text_are_read_each_in_its_own_package(tmp_path):
    # one parse serves both app.py files; names resolve through each file's own imports
    app = 'import os\nfrom .keys import NAME\nfrom .util import env\nx = os.environ[NAME]\ny = env("OTHER")\n'
    reads, problems = scan(tmp_path, {
        "a/app.py": app, "a/keys.py": 'NAME = "A_KEY"\n', "a/util.py": "def env(k):\n    return k\n",
        "b/app.py": app, "b/keys.py": 'NAME = "B_KEY"\n',
        "b/util.py": "import os\ndef env(k):\n    return os.environ.get(k)\n",
    })
    assert problems == []
    assert rows(reads, with_path=True) == [
        ("A_KEY", "a/app.py:4:16", None, False, True, False, "os.environ[]"),
        ("B_KEY", "b/app.py:4:16", None, False, True, False, "os.environ[]"),
        ("OTHER", "b/app.py:5:9", None, False, False, False, "wrapper env()"),
    ]


# --- python-decouple and environs ---------------------------------------------------------------


def test_python_decouple_config_and_instances(tmp_path):
    assert only_reads(tmp_path, """
        from decouple import AutoConfig, Config, Csv, RepositoryEnv, config
        import decouple

        SECRET_KEY = config("SECRET_KEY")
        DEBUG = config("DEBUG", default=False, cast=bool)
        HOSTS = config("ALLOWED_HOSTS", cast=Csv())
        SENTRY = config("SENTRY_DSN", default=None)
        LEVEL = config("LOG_LEVEL", "info")
        VIA_MODULE = decouple.config(option="VIA_MODULE")
        auto = AutoConfig(search_path="/srv")
        A = auto("AUTO_KEY")
        repo = Config(RepositoryEnv(".env"))
        B = repo("REPO_KEY", default="x")
        C = config.get("NOT_A_DECOUPLE_API")
        def not_decouple(config):
            return config("A_PARAMETER")
    """) == [
        ("SECRET_KEY", "4:21", None, False, True, False, "python-decouple config()"),
        ("DEBUG", "5:16", "False", True, False, False, "python-decouple config()"),
        ("ALLOWED_HOSTS", "6:16", None, False, True, False, "python-decouple config()"),  # cast= is no default
        ("SENTRY_DSN", "7:17", None, False, False, False, "python-decouple config()"),  # None: optional
        ("LOG_LEVEL", "8:16", "info", True, False, False, "python-decouple config()"),
        ("VIA_MODULE", "9:37", None, False, True, False, "python-decouple config()"),
        ("AUTO_KEY", "11:10", None, False, True, False, "python-decouple config()"),
        ("REPO_KEY", "13:10", "x", True, False, False, "python-decouple config()"),
    ]


def test_environs_methods_defaults_and_prefixes(tmp_path):
    assert only_reads(tmp_path, """
        import environs
        from environs import Env, FileAwareEnv

        env = Env()
        env.read_env()
        A = env("REQ")
        B = env.int("WORKERS", 4)
        C = env.bool("DEBUG", default=False)
        D = env.list("HOSTS", subcast=str)
        E = env.str("NONE_DEFAULT", None)
        app = environs.Env(prefix="APP_")
        F = app.url("DATABASE_URL")
        with app.prefixed("DB_"):
            with app.prefixed("RO_"):
                G = app.str("HOST")
            H = app.int("PORT", 5432)
            I = env.str("NOT_PREFIXED")
        files = FileAwareEnv()
        J = files.str("PASSWORD")
        K = env.dump()
    """) == [
        ("REQ", "6:9", None, False, True, False, "environs env()"),
        ("WORKERS", "7:13", "4", True, False, False, "environs env.int()"),
        ("DEBUG", "8:14", "False", True, False, False, "environs env.bool()"),
        ("HOSTS", "9:14", None, False, True, False, "environs env.list()"),
        ("NONE_DEFAULT", "10:13", None, False, False, False, "environs env.str()"),
        ("APP_DATABASE_URL", "12:13", None, False, True, False, "environs env.url()"),
        ("APP_DB_RO_HOST", "15:21", None, False, True, False, "environs env.str()"),
        ("APP_DB_PORT", "16:17", "5432", True, False, False, "environs env.int()"),
        ("NOT_PREFIXED", "17:17", None, False, True, False, "environs env.str()"),
        ("PASSWORD", "19:15", None, False, False, False, "environs env.str()"),  # or PASSWORD_FILE
    ]


def test_library_objects_imported_from_a_settings_module(tmp_path):
    # callers.py names neither library nor os.environ: it is parsed because it names `env`/`config`
    reads, problems = scan(tmp_path, {
        "conf/settings.py": 'from decouple import config\nfrom environs import env\nimport environs\n'
                            'menv = environs.Env(prefix="M_")\n',
        "callers.py": 'from conf.settings import config, env, menv\nfrom conf import settings\n'
                      'A = config("VIA_REEXPORT")\nB = env.int("VIA_ENVIRONS", 1)\nC = menv("VIA_INSTANCE")\n'
                      'D = settings.menv("VIA_MODULE")\n',
    })
    assert problems == []
    assert rows(reads, with_path=True) == [
        ("VIA_REEXPORT", "callers.py:3:12", None, False, True, False, "python-decouple config()"),
        ("VIA_ENVIRONS", "callers.py:4:13", "1", True, False, False, "environs env.int()"),
        ("M_VIA_INSTANCE", "callers.py:5:10", None, False, True, False, "environs env()"),
        ("M_VIA_MODULE", "callers.py:6:19", None, False, True, False, "environs env()"),
    ]


def test_unknown_names_and_prefixes_give_no_read_and_no_problem(tmp_path):
    # nothing to compare with the spec: not guessed, not reported (see the module docstring)
    reads, problems = scan(tmp_path, {"app.py": """
        import os
        from decouple import config
        from environs import Env

        env = Env(prefix=os.getenv("WHICH"))
        other = Env()
        for name in NAMES:
            os.environ[name]
            config(name)
        env.str("UNDER_AN_UNKNOWN_PREFIX")
        with other.prefixed(PREFIX):
            other.int("ALSO_UNKNOWN")
    """})
    assert problems == []
    assert rows(reads) == [("WHICH", "5:28", None, False, False, False, "os.getenv")]


def test_library_read_inside_a_wrapper(tmp_path):
    assert only_reads(tmp_path, """
        from decouple import config

        def setting(key, default=None):
            return config(key, default=default)

        A = setting("WRAPPED_OPTIONAL")
        B = setting("WRAPPED_DEFAULT", "on")
    """) == [
        ("WRAPPED_OPTIONAL", "6:13", None, False, False, False, "wrapper setting()"),
        ("WRAPPED_DEFAULT", "7:13", "on", True, False, False, "wrapper setting()"),
    ]
