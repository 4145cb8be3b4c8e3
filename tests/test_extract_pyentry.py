"""Listen addresses read from a Python entry file's syntax tree (envlint.extract.pyentry).

Each test writes a small file; expected lines and columns are counted by hand from it (1-based
columns counting characters, `end_column` one past the last character).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from envlint.extract.pyentry import listens_in_python
from envlint.facts import Listen, Location
from envlint.repo import Repo

FILE = "app.py"


def loc(line: int, column: int, end_column: int, end_line: int | None = None) -> Location:
    return Location(FILE, line, column, end_line if end_line is not None else line, end_column)


def scan(tmp_path: Path, source: str | bytes):
    path = tmp_path / FILE
    if isinstance(source, bytes):
        path.write_bytes(source)
    else:
        path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
    return listens_in_python(Repo(tmp_path), FILE)


def only(tmp_path: Path, source: str) -> Listen:
    listens, problems = scan(tmp_path, source)
    assert problems == []
    (listen,) = listens
    return listen


# --- Flask ----------------------------------------------------------------------------------


def test_flask_run_with_port_from_the_environment(tmp_path):
    listen = only(tmp_path, """
        import os

        from flask import Flask

        app = Flask(__name__)

        if __name__ == "__main__":
            app.run(host="0.0.0.0", port=int(os.environ.get("PORT", 5000)))
    """)
    assert listen == Listen("app.run", loc(8, 5, 68), "0.0.0.0", loc(8, 18, 27), False, 5000, "PORT",
                            loc(8, 34, 67), False)


def test_flask_defaults_when_run_has_no_address(tmp_path):
    listen = only(tmp_path, """
        import flask
        application = flask.Flask(__name__)
        application.run(debug=True)
    """)
    assert listen == Listen("app.run", loc(3, 1, 28), "127.0.0.1", None, True, 5000, None, None, True)


def test_flask_positional_host_and_port(tmp_path):
    listen = only(tmp_path, """
        from flask import Flask as F
        app = F("x")
        app.run("0.0.0.0", 8080)
    """)
    assert listen == Listen("app.run", loc(3, 1, 25), "0.0.0.0", loc(3, 9, 18), False, 8080, None, loc(3, 20, 24),
                            False)


def test_module_constants_and_function_locals(tmp_path):
    listen = only(tmp_path, """
        import os
        from flask import Flask
        HOST = "127.0.0.1"
        PORT = 1
        app = Flask(__name__)

        def main():
            port = os.getenv("PORT", "5001")
            app.run(host=HOST, port=port)

        PORT = 2
    """)
    assert (listen.host, listen.port, listen.port_env) == ("127.0.0.1", 5001, "PORT")
    assert (listen.host_location, listen.port_location) == (loc(9, 18, 22), loc(9, 29, 33))


def test_the_assignment_before_the_call_wins(tmp_path):
    listen = only(tmp_path, """
        from flask import Flask
        app = Flask(__name__)
        PORT = 8000
        app.run(port=PORT)
        PORT = 9000
    """)
    assert listen.port == 8000 and listen.host == "127.0.0.1" and listen.host_implicit


def test_app_factory_result_counts_without_a_flask_import(tmp_path):
    listen = only(tmp_path, """
        from myapp import create_app

        app = create_app()

        if __name__ == "__main__":
            app.run()
    """)
    assert listen == Listen("app.run", loc(6, 5, 14), "127.0.0.1", None, True, 5000, None, None, True)


def test_run_with_an_address_on_an_unknown_name_in_a_flask_module(tmp_path):
    listen = only(tmp_path, """
        import flask
        from somewhere import server
        server.run(port=7000)
    """)
    assert (listen.server, listen.port, listen.location) == ("app.run", 7000, loc(3, 1, 22))


def test_other_run_calls_are_not_servers(tmp_path):
    listens, problems = scan(tmp_path, """
        import asyncio
        import subprocess
        import flask
        from bot import client
        asyncio.run(main(), debug=True)
        subprocess.run(["ls"], check=True)
        client.run(TOKEN)
    """)
    assert (listens, problems) == ([], [])


def test_flask_socketio(tmp_path):
    listen = only(tmp_path, """
        from flask import Flask
        from flask_socketio import SocketIO
        app = Flask(__name__)
        socketio = SocketIO(app)
        socketio.run(app, "0.0.0.0", port=5005)
    """)
    assert listen == Listen("socketio.run", loc(5, 1, 40), "0.0.0.0", loc(5, 19, 28), False, 5005, None,
                            loc(5, 35, 39), False)


# --- uvicorn and friends --------------------------------------------------------------------


@pytest.mark.parametrize("imports,call", [
    ("import uvicorn", "uvicorn.run"),
    ("import uvicorn as uv", "uv.run"),
    ("from uvicorn import run", "run"),
    ("from uvicorn import run as serve", "serve"),
])
def test_uvicorn_run_through_any_import(tmp_path, imports, call):
    listen = only(tmp_path, f"""
        {imports}
        {call}("main:app", host="0.0.0.0", port=8000)
    """)
    start = len(call) + 19  # `CALL("main:app", host=` is len(call) + 18 characters
    assert listen == Listen("uvicorn.run", loc(2, 1, len(call) + 40), "0.0.0.0", loc(2, start, start + 9), False,
                            8000, None, loc(2, start + 16, start + 20), False)


def test_uvicorn_defaults_and_config(tmp_path):
    listens, _ = scan(tmp_path, """
        import uvicorn
        uvicorn.run(app)
        config = uvicorn.Config(app, port=int(os.environ["PORT"]))
    """)
    assert listens == [
        Listen("uvicorn.run", loc(2, 1, 17), "127.0.0.1", None, True, 8000, None, None, True),
        Listen("uvicorn.Config", loc(3, 10, 59), "127.0.0.1", None, True, None, "PORT", loc(3, 35, 58), False),
    ]


def test_environment_read_forms(tmp_path):
    listens, _ = scan(tmp_path, """
        from os import environ, getenv
        import uvicorn
        uvicorn.run(app, port=getenv("PORT", 8001))
        uvicorn.run(app, port=environ.get("PORT") or 8002)
        uvicorn.run(app, port=int(environ["APP_PORT"]))
        uvicorn.run(app, host=environ.get("HOST", "0.0.0.0"), port=getenv("PORT"))
        uvicorn.run(app, host=environ["HOST"])
    """)
    assert [(l.host, l.port, l.port_env) for l in listens] == [
        ("127.0.0.1", 8001, "PORT"), ("127.0.0.1", 8002, "PORT"), ("127.0.0.1", None, "APP_PORT"),
        ("0.0.0.0", None, "PORT"), (None, 8000, None)]
    assert listens[4].host_location == loc(7, 23, 38) and not listens[4].host_implicit


def test_unknown_values_are_none_but_located(tmp_path):
    listen = only(tmp_path, """
        import uvicorn
        uvicorn.run(app, host=settings.host, port=f"{p}")
    """)
    assert listen == Listen("uvicorn.run", loc(2, 1, 50), None, loc(2, 23, 36), False, None, None, loc(2, 43, 49),
                            False)


def test_aiohttp_run_app(tmp_path):
    listens, _ = scan(tmp_path, """
        from aiohttp import web
        import aiohttp.web
        web.run_app(app)
        aiohttp.web.run_app(app, host="127.0.0.1", port=9000)
    """)
    assert listens == [
        Listen("web.run_app", loc(3, 1, 17), "0.0.0.0", None, True, 8080, None, None, True),
        Listen("web.run_app", loc(4, 1, 54), "127.0.0.1", loc(4, 31, 42), False, 9000, None, loc(4, 49, 53), False),
    ]


def test_waitress_serve(tmp_path):
    listens, _ = scan(tmp_path, """
        from waitress import serve
        serve(app, port=5000)
        serve(app, listen="*:8080 [::1]:9000")
    """)
    assert listens == [
        Listen("waitress.serve", loc(2, 1, 22), "0.0.0.0", None, True, 5000, None, loc(2, 17, 21), False),
        Listen("waitress.serve", loc(3, 1, 39), "0.0.0.0", loc(3, 19, 38), False, 8080, None, loc(3, 19, 38), False),
        Listen("waitress.serve", loc(3, 1, 39), "::1", loc(3, 19, 38), False, 9000, None, loc(3, 19, 38), False),
    ]


def test_gradio_launch(tmp_path):
    listens, _ = scan(tmp_path, """
        import gradio as gr
        with gr.Blocks() as demo:
            pass
        demo.launch()
        demo.launch(server_name="0.0.0.0", server_port=7861)
    """)
    assert listens == [
        Listen("gradio launch", loc(4, 1, 14), "127.0.0.1", None, True, 7860, None, None, True),
        Listen("gradio launch", loc(5, 1, 53), "0.0.0.0", loc(5, 25, 34), False, 7861, None, loc(5, 48, 52), False),
    ]


def test_socket_bind(tmp_path):
    listens, _ = scan(tmp_path, """
        import socket
        PORT = 9000
        s = socket.socket()
        s.bind(("", PORT))
        s.bind(("127.0.0.1", 9001))
    """)
    assert listens == [
        Listen("socket.bind", loc(4, 1, 19), "0.0.0.0", loc(4, 9, 11), False, 9000, None, loc(4, 13, 17), False),
        Listen("socket.bind", loc(5, 1, 28), "127.0.0.1", loc(5, 9, 20), False, 9001, None, loc(5, 22, 26), False),
    ]


def test_columns_count_characters_not_bytes(tmp_path):
    listen = only(tmp_path, """
        import uvicorn
        x = "éé"; uvicorn.run(app, port=80)
    """)
    assert listen.location == loc(2, 11, 36) and listen.port_location == loc(2, 33, 35)


def test_names_folded_by_python_are_still_recognised(tmp_path):
    # identifiers are NFKC-folded: `ｒｕｎ` is `run`, so a file's text need not say "run"
    listen = only(tmp_path, """
        from flask import Flask
        app = Flask(__name__)
        app.ｒｕｎ(port=8000)
    """)
    assert (listen.server, listen.location, listen.port) == ("app.run", loc(3, 1, 19), 8000)


def test_a_file_that_names_no_server_call_has_no_listens(tmp_path):
    assert scan(tmp_path, """
        import os
        import flask
        def main():
            flask.Flask(__name__).test_client().get("/", port=int(os.environ["PORT"]))
    """) == ([], [])


def test_a_long_attribute_chain_does_not_exhaust_the_recursion_limit(tmp_path):
    chain = ".".join(["a"] * 1200)
    listens, problems = scan(tmp_path, f"import flask\napp = flask.Flask(__name__)\nx = {chain}()\napp.run(port=1)\n")
    assert problems == [] and [listen.port for listen in listens] == [1]


# --- what cannot be read --------------------------------------------------------------------


def test_syntax_error_is_a_located_problem(tmp_path):
    listens, problems = scan(tmp_path, """
        from flask import Flask
        app = Flask(__name__
        app.run(port=1)
    """)
    assert listens == []
    (problem,) = problems
    assert problem.kind == "python-syntax" and problem.location.path == FILE
    assert problem.location.line == 2


def test_undecodable_file_is_unreadable(tmp_path):
    listens, problems = scan(tmp_path, b"x = '\xff'\n")
    assert listens == [] and [p.kind for p in problems] == ["unreadable"]
    assert problems[0].location == Location(FILE, 1, 1)


def test_missing_file_is_unreadable(tmp_path):
    listens, problems = listens_in_python(Repo(tmp_path), "nope.py")
    assert listens == [] and [p.kind for p in problems] == ["unreadable"]


def test_null_bytes_do_not_raise(tmp_path):
    listens, problems = scan(tmp_path, b"x = 1\x00\n")
    assert listens == [] and [p.kind for p in problems] == ["python-syntax"]


def test_self_referencing_names_terminate(tmp_path):
    listen = only(tmp_path, """
        import uvicorn
        PORT = int(PORT)
        uvicorn.run(app, port=PORT)
    """)
    assert listen.port is None and listen.port_env is None
