"""Command lines as facts (envlint.extract.commands) on hand-written inputs.

Expected values and locations are counted by hand from the inputs: lines and columns are 1-based
and `end_column` is one past the last character. Unless a test says otherwise the command text
starts at line 1, column 1 of "Dockerfile".
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from envlint.extract.commands import analyze_exec, analyze_shell
from envlint.facts import FileArg, Listen, Location, SourceText, Word

PATH = "Dockerfile"


def loc(line: int, column: int, end_column: int, end_line: int | None = None, path: str = PATH) -> Location:
    return Location(path, line, column, end_line if end_line is not None else line, end_column)


def shell(text: str, env: dict[str, str] | None = None, line: int = 1, column: int = 1, source: str = "RUN"):
    return analyze_shell(source, SourceText.single(PATH, text, line, column), env)


def pins(command) -> list[tuple[str, str]]:
    return [(r.name, r.specifier) for i in command.installs for r in i.requirements]


def exec_words(*items: tuple[str, int, int], line: int = 1) -> list[Word]:
    """Exec-form words as the Dockerfile extractor gives them: located at the JSON string,
    quotes included. Each item is (text, first column, end column)."""
    return [Word(text, loc(line, start, end), True) for text, start, end in items]


# --- installs -------------------------------------------------------------------------------


def test_requirements_file_install_located_in_a_run_line():
    # RUN pip install -r requirements.txt   (the RUN arguments start at line 3, column 5)
    command = shell("pip install -r requirements.txt", line=3, column=5)
    assert command.source == "RUN" and not command.exec_form
    assert command.location == loc(3, 5, 36)
    (install,) = command.installs
    assert install.tool == "pip"
    assert install.location == loc(3, 5, 36)
    assert install.files == (FileArg("-r", "requirements.txt", loc(3, 20, 36)),)
    assert install.requirements == ()
    assert not (install.upgrade or install.force_reinstall or install.no_deps)


def test_continuation_lines_map_every_word_to_its_physical_line():
    # RUN pip install \
    #     flask==2.0 \
    #     gunicorn
    # The Dockerfile parser removes each backslash-newline; the segments are what is left.
    text = SourceText(PATH, [("pip install ", 3, 5), ("    flask==2.0 ", 4, 1), ("    gunicorn", 5, 1)])
    (install,) = analyze_shell("RUN", text).installs
    flask, gunicorn = install.requirements
    assert (flask.name, flask.specifier, flask.location) == ("flask", "==2.0", loc(4, 5, 15))
    assert (gunicorn.name, gunicorn.specifier, gunicorn.location) == ("gunicorn", "", loc(5, 5, 13))
    assert install.location == Location(PATH, 3, 5, 5, 13)


def test_a_word_split_by_a_continuation_spans_both_lines():
    text = SourceText(PATH, [("pip install fla", 3, 5), ("sk==2.0", 4, 1)])
    (requirement,) = analyze_shell("RUN", text).installs[0].requirements
    assert requirement.text == "flask==2.0"
    assert requirement.location == Location(PATH, 3, 17, 4, 8)


def test_yaml_block_scalar_lines():
    # buildCommand: |
    #   pip install -r requirements.txt
    #   pip install gunicorn==22.0.0
    text = SourceText("render.yaml", [("pip install -r requirements.txt\n", 6, 3), ("pip install gunicorn==22.0.0\n", 7, 3)])
    first, second = analyze_shell("buildCommand", text).installs
    assert first.files == (FileArg("-r", "requirements.txt", loc(6, 18, 34, path="render.yaml")),)
    assert first.location == loc(6, 3, 34, path="render.yaml")
    assert second.requirements[0].location == loc(7, 15, 31, path="render.yaml")
    assert second.requirements[0].pinned_version == "22.0.0"


def test_chains_split_into_one_install_per_command():
    command = shell("pip install a==1 && pip install b==2; pip install c==3 || true")
    assert pins(command) == [("a", "==1"), ("b", "==2"), ("c", "==3")]
    assert [i.location for i in command.installs] == [loc(1, 1, 17), loc(1, 21, 37), loc(1, 39, 55)]
    assert [r.location for i in command.installs for r in i.requirements] == [
        loc(1, 13, 17), loc(1, 33, 37), loc(1, 51, 55)]


def test_pipes_background_and_newlines_separate_commands():
    command = shell("pip install a==1 | tee log & pip install b==2\npip install c==3")
    assert pins(command) == [("a", "==1"), ("b", "==2"), ("c", "==3")]
    assert [i.location.column for i in command.installs[:2]] == [1, 30]


def test_quoted_requirements_keep_their_quotes_in_the_location():
    command = shell("""pip install "flask>=2,<3" 'requests[socks]==2.31.0'""")
    flask, requests = command.installs[0].requirements
    assert (flask.text, flask.specifier, flask.location) == ("flask>=2,<3", "<3,>=2", loc(1, 13, 26))
    assert (requests.name, requests.extras, requests.pinned_version) == ("requests", ("socks",), "2.31.0")
    assert requests.location == loc(1, 27, 52)


def test_variables_known_from_arg_and_env_fill_in_pins():
    command = shell("pip install sdk==${SDK_VERSION} other==$OTHER", env={"SDK_VERSION": "0.5.3", "OTHER": "1.2"})
    sdk, other = command.installs[0].requirements
    assert (sdk.name, sdk.pinned_version, sdk.text, sdk.location) == ("sdk", "0.5.3", "sdk==0.5.3", loc(1, 13, 32))
    assert (other.name, other.pinned_version, other.location) == ("other", "1.2", loc(1, 33, 46))
    assert command.problems == ()


def test_unknown_variables_give_no_pin_but_a_located_problem():
    command = shell("pip install sdk==${SDK_VERSION} flask==2.0", env={"OTHER": "1"})
    (install,) = command.installs
    assert [r.name for r in install.requirements] == ["flask"]
    (problem,) = command.problems
    assert problem.kind == "requirement-unresolved"
    assert "$SDK_VERSION" in problem.message
    assert problem.location == loc(1, 13, 32)


def test_default_forms_and_quoted_and_split_expansions():
    env = {"EMPTY": "", "PKGS": "flask==3.0.0 gunicorn==22.0.0", "V": "1.0"}
    command = shell('pip install a==${EMPTY:-2.0} b==${V:-9} $PKGS "c==$V"', env=env)
    assert pins(command) == [("a", "==2.0"), ("b", "==1.0"), ("flask", "==3.0.0"), ("gunicorn", "==22.0.0"),
                             ("c", "==1.0")]
    # both requirements of the unquoted $PKGS are located at that word
    assert [r.location for r in command.installs[0].requirements][2:4] == [loc(1, 41, 46), loc(1, 41, 46)]


def test_single_quotes_stop_expansion():
    command = shell("pip install 'a==$V'", env={"V": "1"})
    assert pins(command) == []
    assert command.problems[0].kind == "requirement-syntax"


@pytest.mark.parametrize("text,tool", [
    ("pip install x==1", "pip"),
    ("pip3 install x==1", "pip"),
    ("pip3.12 install x==1", "pip"),
    ("python -m pip install x==1", "pip"),
    ("python3 -m pip install x==1", "pip"),
    ("python3.12 -m pip install x==1", "pip"),
    ("/usr/local/bin/pip install x==1", "pip"),
    ("/opt/venv/bin/python -m pip install x==1", "pip"),
    ("uv pip install x==1", "uv pip"),
    ("uv pip install --system x==1", "uv pip"),
    ("pip --no-cache-dir --disable-pip-version-check install x==1", "pip"),
    ("pip --cache-dir /tmp/c install x==1", "pip"),
])
def test_every_way_to_call_pip(text, tool):
    (install,) = shell(text).installs
    assert install.tool == tool
    assert [(r.name, r.pinned_version) for r in install.requirements] == [("x", "1")]
    assert install.location == loc(1, 1, len(text) + 1)


@pytest.mark.parametrize("text", [
    "pip freeze > requirements.txt",
    "pip uninstall -y flask",
    "pip list",
    "python -m pip --version",
    "uv pip compile requirements.in",
    "echo pip install flask",
])
def test_other_pip_subcommands_install_nothing(text):
    assert shell(text).installs == ()


def test_options_with_values_are_skipped_with_them():
    text = ("pip install -i https://pypi.example/simple --extra-index-url=https://x.example "
            "--target /opt/lib -f ./wheels --trusted-host pypi.example --no-binary :all: "
            "--progress-bar off -C key=value --platform manylinux2014_x86_64 --python-version 3.12 "
            "--root-user-action=ignore flask==3.0.0")
    (install,) = shell(text).installs
    assert [r.text for r in install.requirements] == ["flask==3.0.0"]
    assert install.files == ()


def test_file_options_editables_and_local_paths():
    text = "pip install -c constraints.txt -e ./pkg --requirement=req.txt -rdev.txt . ./lib"
    (install,) = shell(text).installs
    assert install.requirements == ()
    assert install.files == (
        FileArg("-c", "constraints.txt", loc(1, 16, 31)),
        FileArg("-e", "./pkg", loc(1, 35, 40)),
        FileArg("-r", "req.txt", loc(1, 55, 62)),
        FileArg("-r", "dev.txt", loc(1, 65, 72)),
        FileArg(".", ".", loc(1, 73, 74)),
        FileArg(".", "./lib", loc(1, 75, 80)),
    )


def test_upgrade_force_and_no_deps_flags():
    (first, second, third) = shell(
        "pip install --upgrade pip setuptools wheel && pip install -Ur req.txt && "
        "pip install --force-reinstall --no-deps x==1").installs
    assert first.upgrade and [r.name for r in first.requirements] == ["pip", "setuptools", "wheel"]
    assert second.upgrade and second.files == (FileArg("-r", "req.txt", loc(1, 63, 70)),)
    assert third.force_reinstall and third.no_deps and not third.upgrade


def test_an_unquoted_comparison_is_a_shell_redirect():
    # the shell reads `>=2.0` as "write to the file =2.0": pip installs flask unpinned
    command = shell("pip install flask>=2.0")
    assert pins(command) == [("flask", "")]
    assert command.installs[0].requirements[0].location == loc(1, 13, 18)


def test_invalid_requirement_is_a_problem():
    command = shell("pip install flask=2.0")
    assert command.installs[0].requirements == ()
    (problem,) = command.problems
    assert problem.kind == "requirement-syntax" and problem.location == loc(1, 13, 22)


# --- shell structure ------------------------------------------------------------------------


def test_sh_c_string_is_analysed_with_locations_inside_the_quotes():
    command = shell('sh -c "pip install flask==2.0 && gunicorn -b 0.0.0.0:$PORT app:app"')
    (install,) = command.installs
    assert install.requirements[0].location == loc(1, 20, 30)
    assert install.location == loc(1, 8, 30)
    (listen,) = command.listens
    assert listen == Listen("gunicorn", loc(1, 34, 42), "0.0.0.0", loc(1, 46, 53), False, None, "PORT",
                            loc(1, 54, 59), False)
    assert command.modules == (Word("app:app", loc(1, 60, 67)),)


@pytest.mark.parametrize("prefix", ["sh -c", "bash -c", "/bin/sh -c", "/bin/bash -ec", "bash -o pipefail -c",
                                    "exec sh -c"])
def test_shell_wrappers(prefix):
    text = f"{prefix} 'pip install x==1'"
    command = shell(text)
    start = len(prefix) + 3  # one blank and the quote, 1-based
    assert command.installs[0].requirements[0].location == loc(1, start + 12, start + 16)


def test_escaped_quotes_inside_a_double_quoted_sh_c_string():
    command = shell('bash -c "pip install \\"flask>=2,<3\\""')
    (requirement,) = command.installs[0].requirements
    assert requirement.text == "flask>=2,<3"
    # from the escaped opening quote to the escaped closing quote
    assert requirement.location == loc(1, 23, 37)


def test_nested_sh_c():
    command = shell("""sh -c "bash -c 'uvicorn main:app --host 0.0.0.0'" """)
    (listen,) = command.listens
    assert (listen.server, listen.host, listen.location, listen.host_location) == (
        "uvicorn", "0.0.0.0", loc(1, 17, 24), loc(1, 41, 48))


def test_control_structures_and_subshells():
    text = ("if [ -f requirements.txt ]; then pip install -r requirements.txt; else pip install a==1; fi; "
            "for p in b c; do pip install $p; done; (cd x && pip install d==1); { pip install e==1; }; "
            "case $MODE in dev) pip install f==1 ;; *) pip install g==1 ;; esac")
    command = shell(text)
    assert pins(command) == [("a", "==1"), ("d", "==1"), ("e", "==1"), ("f", "==1"), ("g", "==1")]
    assert command.installs[0].files[0].path == "requirements.txt"
    assert [p.kind for p in command.problems] == ["requirement-unresolved"]  # `pip install $p`


def test_command_substitution_is_analysed_too():
    command = shell("echo $(pip install a==1) `pip install b==2` && X=\"$(pip install c==3)\" true")
    assert pins(command) == [("a", "==1"), ("b", "==2"), ("c", "==3")]
    assert command.installs[0].requirements[0].location == loc(1, 20, 24)
    assert command.installs[1].requirements[0].location == loc(1, 39, 43)


def test_comments_are_skipped_but_hash_inside_a_word_is_not():
    command = shell("pip install a==1 # pip install b==2\npip install c==3#x")
    assert pins(command)[0] == ("a", "==1")
    assert len(command.installs) == 2  # `c==3#x` is one word: an invalid requirement
    assert command.problems[0].kind == "requirement-syntax"


def test_heredoc_fed_to_a_shell_is_analysed():
    command = shell("bash <<EOF\npip install a==1\nEOF\npip install b==2")
    assert pins(command) == [("a", "==1"), ("b", "==2")]


def test_heredoc_fed_to_another_program_is_not():
    command = shell("python3 <<EOF\nimport os\nEOF\ncat <<-'X' > f\n\tpip install a==1\n\tX")
    assert pins(command) == []
    assert command.scripts == ()


def test_words_list_the_top_level_tokens_with_operators():
    command = shell("cd app && gunicorn app:app > log")
    assert [(w.text, w.location.column) for w in command.words] == [
        ("cd", 1), ("app", 4), ("&&", 8), ("gunicorn", 11), ("app:app", 20), (">", 28), ("log", 30)]
    assert command.words[2] == Word("&&", loc(1, 8, 10), False)


@pytest.mark.parametrize("text,problem_column", [
    ('pip install "flask==2.0', 13),
    ("pip install 'flask==2.0", 13),
    ("pip install $(echo x", 13),
    ("pip install ${X", 13),
    ("echo `pip install x", 6),
])
def test_unbalanced_input_still_comes_back(text, problem_column):
    command = shell(text)
    assert command.problems[0].kind == "shell-syntax"
    assert command.problems[0].location.column == problem_column
    # sh refuses the whole line, so nothing in it runs: no install, no second report
    assert command.installs == () and len(command.problems) == 1


def test_unclosed_quote_hides_the_rest_of_the_line():
    command = shell('pip install "flask==2.0 && pip install gunicorn==22.0.0')
    assert pins(command) == []
    assert [p.kind for p in command.problems] == ["shell-syntax"]


def test_random_input_never_raises():
    alphabet = list("ab =:-$'\"\\`(){};&|<>#\n\t019") + ["pip install ", "sh -c ", "gunicorn -b ", "${", "$(",
                                                          "<<EOF\n", "case ", " in ", "esac", "python -m "]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        command = shell(text)
        assert command.location.path == PATH
        exec_command = analyze_exec("CMD", [Word(text, loc(1, 1, len(text) + 3), True)] * 2, loc(1, 1, 2))
        assert exec_command.exec_form


def test_deep_nesting_is_bounded():
    text = "$(" * 400 + "pip install a==1" + ")" * 400
    shell(text)  # must not raise RecursionError
    text = "sh -c " + "'" * 1 + "sh -c \"" * 3 + "pip install a==1"
    shell(text)


# --- wrappers -------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", [
    "exec", "env", "env PYTHONUNBUFFERED=1", "env -i A=B", "sudo", "sudo -E -u app", "nohup", "time", "time -p",
    "nice -n 5", "PORT=8000 FOO=bar", "opentelemetry-instrument", "opentelemetry-instrument --traces_exporter console",
    "ddtrace-run", "newrelic-admin run-program", "doppler run --", "doppler run -p proj -c prd --",
    "poetry run", "pipenv run", "uv run --with gunicorn", "tini --", "dumb-init --", "gosu app",
    "exec opentelemetry-instrument",
])
def test_wrappers_are_looked_through(prefix):
    text = f"{prefix} uvicorn main:app --host 0.0.0.0"
    command = shell(text)
    (listen,) = command.listens
    start = len(prefix) + 2
    assert listen.server == "uvicorn" and listen.location == loc(1, start, start + 7)
    assert listen.host == "0.0.0.0" and listen.host_location == loc(1, start + 24, start + 31)
    assert command.modules == (Word("main:app", loc(1, start + 8, start + 16)),)


def test_doppler_command_string():
    command = shell('doppler run --command "gunicorn app:app -b :$PORT"')
    (listen,) = command.listens
    assert listen.host == "0.0.0.0"  # gunicorn: an empty host is every interface
    assert listen.port_env == "PORT" and listen.port_location == loc(1, 45, 50)


def test_python_dash_m_wrappers():
    command = shell("python -m gunicorn app:app -b 0.0.0.0:8000 && python3 -m uvicorn api:app --port 9000")
    first, second = command.listens
    assert (first.server, first.location, first.port) == ("gunicorn", loc(1, 11, 19), 8000)
    assert (second.server, second.location, second.port, second.host) == ("uvicorn", loc(1, 58, 65), 9000,
                                                                          "127.0.0.1")
    assert [m.text for m in command.modules] == ["app:app", "api:app"]


# --- scripts and modules --------------------------------------------------------------------


@pytest.mark.parametrize("text,word", [
    ("python app.py", ("app.py", 8, 14)),
    ("python3 -u src/app.py --debug", ("src/app.py", 12, 22)),
    ("python -W ignore -X dev main.py", ("main.py", 25, 32)),
    ("sh start.sh", ("start.sh", 4, 12)),
    ("bash ./entrypoint.sh arg", ("./entrypoint.sh", 6, 21)),
    ("./run.sh", ("./run.sh", 1, 9)),
    ("exec /app/start.sh", ("/app/start.sh", 6, 19)),
    ("newrelic-admin run-python app.py", ("app.py", 27, 33)),
    ("uv run app.py", ("app.py", 8, 14)),
])
def test_scripts(text, word):
    command = shell(text)
    assert command.scripts == (Word(word[0], loc(1, word[1], word[2])),)
    assert command.modules == ()


@pytest.mark.parametrize("text", ["python -c 'print(1)'", "/usr/bin/env", "$APP", "python", "start.sh",
                                  "cd ./app"])
def test_not_scripts(text):
    assert shell(text).scripts == ()


def test_each_command_of_a_pipeline_can_run_a_script():
    assert shell("cat ./x | ./y").scripts == (Word("./y", loc(1, 11, 14)),)


@pytest.mark.parametrize("text,word", [
    ("gunicorn app:app", Word("app:app", loc(1, 10, 17))),
    ("uvicorn pkg.main:app", Word("pkg.main:app", loc(1, 9, 21))),
    ("gunicorn 'app:create_app()'", Word("app:create_app()", loc(1, 10, 28), True)),
    ("gunicorn app:create_app()", Word("app:create_app()", loc(1, 10, 26))),
    ("python -m pkg.mod", Word("pkg.mod", loc(1, 11, 18))),
    ("python -u -m pkg.mod arg", Word("pkg.mod", loc(1, 14, 21))),
    ("gunicorn --workers 2 -k uvicorn.workers.UvicornWorker --reload main:app", Word("main:app", loc(1, 64, 72))),
    ("waitress-serve --call app:create_app", Word("app:create_app", loc(1, 23, 37))),
    ("hypercorn main:app", Word("main:app", loc(1, 11, 19))),
])
def test_modules(text, word):
    command = shell(text)
    assert command.modules == (word,)
    assert command.scripts == ()


# --- listens --------------------------------------------------------------------------------


def test_gunicorn_binds():
    command = shell('gunicorn --bind 0.0.0.0:${PORT:-8000} -b unix:/tmp/s --bind=[::]:9000 -w 4 "app:create_app()"')
    first, second = command.listens
    assert first == Listen("gunicorn", loc(1, 1, 9), "0.0.0.0", loc(1, 17, 24), False, 8000, "PORT", loc(1, 25, 38),
                           False)
    assert second == Listen("gunicorn", loc(1, 1, 9), "::", loc(1, 62, 64), False, 9000, None, loc(1, 66, 70), False)
    assert command.modules == (Word("app:create_app()", loc(1, 76, 94), True),)


def test_gunicorn_without_bind_follows_port():
    (listen,) = shell("gunicorn app:app").listens
    assert listen == Listen("gunicorn", loc(1, 1, 9), "0.0.0.0", None, True, 8000, "PORT", None, True)


def test_gunicorn_with_a_config_file_and_no_bind_is_unknown():
    (listen,) = shell("gunicorn -c gunicorn.conf.py app:app").listens
    assert listen == Listen("gunicorn", loc(1, 1, 9))


def test_gunicorn_host_only_bind_uses_the_default_port():
    (listen,) = shell("gunicorn -b 0.0.0.0 app:app").listens
    assert listen == Listen("gunicorn", loc(1, 1, 9), "0.0.0.0", loc(1, 13, 20), False, 8000, None, None, True)


def test_gunicorn_bind_from_a_variable_is_unknown():
    (listen,) = shell("gunicorn -b $BIND app:app").listens
    assert listen == Listen("gunicorn", loc(1, 1, 9), host_location=loc(1, 13, 18))


def test_uvicorn_host_and_port_equals():
    (listen,) = shell("uvicorn main:app --host 0.0.0.0 --port=$PORT").listens
    assert listen == Listen("uvicorn", loc(1, 1, 8), "0.0.0.0", loc(1, 25, 32), False, None, "PORT", loc(1, 40, 45),
                            False)


def test_uvicorn_defaults():
    (listen,) = shell("uvicorn main:app").listens
    assert listen == Listen("uvicorn", loc(1, 1, 8), "127.0.0.1", None, True, 8000, None, None, True)


def test_uvicorn_unix_socket_has_no_tcp_listen():
    assert shell("uvicorn main:app --uds /tmp/u.sock").listens == ()


def test_flask_run():
    command = shell("flask --app hello run -h 0.0.0.0 -p ${PORT}")
    assert command.listens == (Listen("flask run", loc(1, 1, 6), "0.0.0.0", loc(1, 26, 33), False, None, "PORT",
                                      loc(1, 37, 44), False),)
    assert command.modules == (Word("hello", loc(1, 13, 18)),)
    (default,) = shell("python -m flask run").listens
    assert default == Listen("flask run", loc(1, 11, 16), "127.0.0.1", None, True, 5000, None, None, True)
    assert shell("flask db upgrade").listens == ()


def test_hypercorn():
    (listen,) = shell("hypercorn -b 127.0.0.1 main:app").listens
    assert listen == Listen("hypercorn", loc(1, 1, 10), "127.0.0.1", loc(1, 14, 23), False, 8000, None, None, True)
    (default,) = shell("hypercorn main:app").listens
    assert (default.host, default.port, default.host_implicit, default.port_implicit) == ("127.0.0.1", 8000, True, True)


def test_daphne():
    command = shell("daphne -b 0.0.0.0 -p 8001 proj.asgi:application")
    assert command.listens == (Listen("daphne", loc(1, 1, 7), "0.0.0.0", loc(1, 11, 18), False, 8001, None,
                                      loc(1, 22, 26), False),)
    assert command.modules == (Word("proj.asgi:application", loc(1, 27, 48)),)


def test_django_runserver_forms():
    (zero,) = shell("python manage.py runserver 0:$PORT").listens
    assert zero == Listen("manage.py runserver", loc(1, 8, 17), "0.0.0.0", loc(1, 28, 29), False, None, "PORT",
                          loc(1, 30, 35), False)
    (v6,) = shell("python3 manage.py runserver [::]:8000").listens
    assert (v6.host, v6.host_location, v6.port, v6.port_location) == ("::", loc(1, 30, 32), 8000, loc(1, 34, 38))
    (port_only,) = shell("python manage.py runserver 8080").listens
    assert port_only == Listen("manage.py runserver", loc(1, 8, 17), "127.0.0.1", None, True, 8080, None,
                               loc(1, 28, 32), False)
    (bare,) = shell("python manage.py runserver --noreload").listens
    assert (bare.host, bare.port, bare.host_implicit, bare.port_implicit) == ("127.0.0.1", 8000, True, True)
    assert shell("python manage.py migrate").listens == ()
    (admin,) = shell("django-admin runserver 0.0.0.0:8000").listens
    assert (admin.server, admin.host, admin.port) == ("django-admin runserver", "0.0.0.0", 8000)


def test_streamlit():
    command = shell("streamlit run app.py --server.port $PORT --server.address=0.0.0.0")
    assert command.listens == (Listen("streamlit", loc(1, 1, 10), "0.0.0.0", loc(1, 59, 66), False, None, "PORT",
                                      loc(1, 36, 41), False),)
    assert command.scripts == (Word("app.py", loc(1, 15, 21)),)
    (default,) = shell("streamlit run app.py").listens
    assert (default.host, default.port, default.host_implicit) == ("0.0.0.0", 8501, True)


def test_waitress():
    command = shell("waitress-serve --listen=*:8080 --listen=localhost:9090 app:app")
    assert command.listens == (
        Listen("waitress-serve", loc(1, 1, 15), "0.0.0.0", loc(1, 25, 26), False, 8080, None, loc(1, 27, 31), False),
        Listen("waitress-serve", loc(1, 1, 15), "localhost", loc(1, 41, 50), False, 9090, None, loc(1, 51, 55), False),
    )
    (port,) = shell("waitress-serve --port=$PORT app:app").listens
    assert port == Listen("waitress-serve", loc(1, 1, 15), "0.0.0.0", None, True, None, "PORT", loc(1, 23, 28), False)


def test_fastapi_run_and_dev():
    (run,) = shell("fastapi run --port 80").listens
    assert run == Listen("fastapi run", loc(1, 1, 8), "0.0.0.0", None, True, 80, None, loc(1, 20, 22), False)
    (dev,) = shell("fastapi dev main.py").listens
    assert dev == Listen("fastapi dev", loc(1, 1, 8), "127.0.0.1", None, True, 8000, None, None, True)


@pytest.mark.parametrize("value,port,env", [
    ("8000", 8000, None),
    ("$PORT", None, "PORT"),
    ("${PORT}", None, "PORT"),
    ("${PORT:-8000}", 8000, "PORT"),
    ("${PORT-10000}", 10000, "PORT"),
    ('"$PORT"', None, "PORT"),
    ("${APP_PORT:-x}", None, "APP_PORT"),
    ("'$PORT'", None, None),  # single quotes: uvicorn gets the literal string
    ("80$X", None, None),
])
def test_port_values(value, port, env):
    (listen,) = shell(f"uvicorn m:app --port {value}").listens
    assert (listen.port, listen.port_env) == (port, env)
    assert listen.port_location == loc(1, 22, 22 + len(value))


def test_env_does_not_replace_a_start_commands_port():
    (listen,) = shell("uvicorn m:app --port $PORT", env={"PORT": "8000"}, source="CMD").listens
    assert (listen.port, listen.port_env) == (None, "PORT")


# --- exec form ------------------------------------------------------------------------------


def test_exec_form_does_not_expand_port():
    # CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "$PORT"]
    words = exec_words(("uvicorn", 6, 15), ("main:app", 17, 27), ("--host", 29, 37), ("0.0.0.0", 39, 48),
                       ("--port", 50, 58), ("$PORT", 60, 67))
    command = analyze_exec("CMD", words, loc(1, 1, 68))
    assert command.exec_form and command.source == "CMD" and command.location == loc(1, 1, 68)
    assert command.words == tuple(words)
    (listen,) = command.listens
    assert listen == Listen("uvicorn", loc(1, 6, 15), "0.0.0.0", loc(1, 39, 48), False, None, None, loc(1, 60, 67),
                            False)
    assert command.modules == (Word("main:app", loc(1, 17, 27), True),)


def test_exec_form_glued_option_value_is_located_inside_the_string():
    # CMD ["gunicorn", "--bind=0.0.0.0:8000", "app:app"]
    words = exec_words(("gunicorn", 6, 16), ("--bind=0.0.0.0:8000", 18, 39), ("app:app", 41, 50))
    (listen,) = analyze_exec("CMD", words, loc(1, 1, 51)).listens
    assert listen == Listen("gunicorn", loc(1, 6, 16), "0.0.0.0", loc(1, 26, 33), False, 8000, None, loc(1, 34, 38),
                            False)


def test_exec_form_sh_c_is_shell():
    # CMD ["sh", "-c", "gunicorn -b 0.0.0.0:$PORT app:app"]
    words = exec_words(("sh", 6, 10), ("-c", 12, 16), ("gunicorn -b 0.0.0.0:$PORT app:app", 18, 53))
    command = analyze_exec("CMD", words, loc(1, 1, 54))
    (listen,) = command.listens
    assert listen == Listen("gunicorn", loc(1, 19, 27), "0.0.0.0", loc(1, 31, 38), False, None, "PORT",
                            loc(1, 39, 44), False)
    assert command.modules == (Word("app:app", loc(1, 45, 52)),)


def test_exec_form_sh_c_with_json_escapes_locates_at_the_string():
    # CMD ["bash", "-c", "pip install \"x==1\" && exec python app.py"]: the string is 44 raw
    # characters for 42 decoded ones, so inner columns cannot be mapped
    text = 'pip install "x==1" && exec python app.py'
    words = [Word("bash", loc(1, 6, 12), True), Word("-c", loc(1, 14, 18), True),
             Word(text, loc(1, 20, 20 + len(text) + 4), True)]
    command = analyze_exec("RUN", words, loc(1, 1, 66))
    whole = loc(1, 20, 20 + len(text) + 4)
    assert command.installs[0].requirements[0].location == whole
    assert command.scripts == (Word("app.py", whole),)


def test_exec_form_python_script_and_pip():
    words = exec_words(("python", 6, 14), ("-u", 16, 20), ("server.py", 22, 33))
    assert analyze_exec("CMD", words, loc(1, 1, 34)).scripts == (Word("server.py", loc(1, 22, 33), True),)
    words = exec_words(("pip", 6, 11), ("install", 13, 22), ("flask==2.0", 24, 36))
    (install,) = analyze_exec("RUN", words, loc(1, 1, 37)).installs
    assert install.location == loc(1, 6, 36) and install.requirements[0].location == loc(1, 24, 36)


def test_exec_form_operators_are_plain_arguments():
    words = exec_words(("pip", 6, 11), ("install", 13, 22), ("a==1", 24, 30), ("&&", 32, 36),
                       ("pip", 38, 43), ("install", 45, 54), ("b==2", 56, 62))
    command = analyze_exec("RUN", words, loc(1, 1, 63))
    (install,) = command.installs  # one pip command: `&&`, `pip` and `install` are requirements to it
    assert [r.name for r in install.requirements] == ["a", "pip", "install", "b"]
    assert any(p.kind == "requirement-syntax" for p in command.problems)


# --- every installer, and where it installs -------------------------------------------------


def test_uv_add_requirements_files_and_project():
    # cols: uv 1-2, add 4-6, flask==3.0.0 8-19, "requests>=2,<3" 21-36, -r 38-39, req.txt 41-47,
    # --project 49-57, api 59-61
    command = shell('uv add flask==3.0.0 "requests>=2,<3" -r req.txt --project api')
    (install,) = command.installs
    assert install.tool == "uv add" and install.program == "uv"
    assert install.location == loc(1, 1, 62)
    assert [(r.name, r.specifier, r.location) for r in install.requirements] == [
        ("flask", "==3.0.0", loc(1, 8, 20)), ("requests", "<3,>=2", loc(1, 21, 37))]
    assert install.files == (FileArg("-r", "req.txt", loc(1, 41, 48)),)
    assert (install.project, install.cwd, install.target) == ("api", None, None)
    assert not (install.isolated or install.exact)


def test_uv_add_without_project_is_the_current_directory():
    (install,) = shell("uv add -c constraints.txt 'httpx>=0.27'").installs
    assert install.project == "."
    assert install.files == (FileArg("-c", "constraints.txt", loc(1, 11, 26)),)
    assert [(r.name, r.specifier) for r in install.requirements] == [("httpx", ">=0.27")]


@pytest.mark.parametrize("text,project,cwd,exact", [
    ("uv sync --frozen --no-install-project", ".", None, True),
    ("uv sync --locked --no-dev --project svc", "svc", None, True),
    ("uv --directory backend sync --locked", ".", "backend", True),
    ("uv sync --directory=backend --project api", "api", "backend", True),
    ("uv sync --inexact", ".", None, False),
])
def test_uv_sync_records_the_project(text, project, cwd, exact):
    (install,) = shell(text).installs
    assert install.tool == "uv sync"
    assert (install.project, install.cwd, install.exact) == (project, cwd, exact)
    assert install.requirements == () and install.files == ()
    assert install.location == loc(1, 1, len(text) + 1)


def test_pip_group_names_a_pyproject_and_a_group():
    # pip 25.1+ `--group [path:]NAME`; the path, when given, is the pyproject.toml itself.
    # cols: --group 13-19, Dev 21-23, --group= 25-32, svc/pyproject.toml:prod 33-55, --group 57-63, $G 65-66
    (install,) = shell("pip install --group Dev --group=svc/pyproject.toml:prod --group $G", {"G": "a:b:c"}).installs
    assert install.tool == "pip" and install.requirements == ()
    assert install.files == (
        FileArg("--group", "pyproject.toml", loc(1, 21, 24), ("dev",)),  # normalised, as PEP 735 compares
        FileArg("--group", "svc/pyproject.toml", loc(1, 33, 56), ("prod",)),
        FileArg("--group", "a:b", loc(1, 65, 67), ("c",)),  # the last colon splits (pip's rpartition)
    )
    (install,) = shell("uv pip install --system --group lint").installs
    assert install.tool == "uv pip"
    assert install.files == (FileArg("--group", "pyproject.toml", loc(1, 33, 37), ("lint",)),)


def test_uv_sync_keeps_its_dependency_group_options_in_order():
    # what they select depends on the pyproject.toml (envlint.extract.pyproject.select_groups)
    text = "uv sync --frozen --no-dev --group=prod --only-group docs --all-groups --no-default-groups " \
           "--no-group x --dev --only-dev --extra y --group $G"
    (install,) = shell(text, {"G": "ops"}).installs
    assert install.groups == ("--no-dev", "--group=prod", "--only-group=docs", "--all-groups", "--no-default-groups",
                              "--no-group=x", "--dev", "--only-dev", "--group=ops")
    assert shell("uv sync").installs[0].groups == ()
    assert shell("uv add --group dev pytest").installs[0].groups == ()  # where to add, not what to sync
    assert shell("pip install --group dev").installs[0].groups == ()  # pip's is a FileArg


def test_uv_pip_sync_reads_its_arguments_as_requirements_files():
    (install,) = shell("uv pip sync requirements.lock").installs
    assert install.tool == "uv pip sync" and install.exact
    assert install.files == (FileArg("-r", "requirements.lock", loc(1, 13, 30)),)
    assert install.requirements == ()


def test_poetry_add_constraints():
    # cols: pendulum@^2.0.5 12-26, "requests@~1.2" 28-42, django==4.2 44-54, black@latest 56-67,
    # httpx@1.2.3 69-79, 'z>=1,<2' 81-89
    text = "poetry add pendulum@^2.0.5 \"requests@~1.2\" django==4.2 black@latest httpx@1.2.3 'z>=1,<2'"
    (install,) = shell(text).installs
    assert install.tool == "poetry add" and install.program == "poetry" and install.project == "."
    assert [(r.name, r.specifier, r.text, r.location) for r in install.requirements] == [
        ("pendulum", "<3.0.0,>=2.0.5", "pendulum@^2.0.5", loc(1, 12, 27)),
        ("requests", "<1.3.0,>=1.2", "requests@~1.2", loc(1, 28, 43)),
        ("django", "==4.2", "django==4.2", loc(1, 44, 55)),
        ("black", "", "black@latest", loc(1, 56, 68)),
        ("httpx", "==1.2.3", "httpx@1.2.3", loc(1, 69, 80)),
        ("z", "<2,>=1", "z>=1,<2", loc(1, 81, 90)),
    ]
    assert [r.pinned_version for r in install.requirements] == [None, None, "4.2", None, "1.2.3", None]


# https://python-poetry.org/docs/dependency-specification/ (caret, tilde and wildcard tables)
@pytest.mark.parametrize("constraint,specifier", [
    ("^1.2.3", "<2.0.0,>=1.2.3"),
    ("^1.2", "<2.0.0,>=1.2"),
    ("^1", "<2.0.0,>=1"),
    ("^0.2.3", "<0.3.0,>=0.2.3"),
    ("^0.0.3", "<0.0.4,>=0.0.3"),
    ("^0.0", "<0.1.0,>=0.0"),
    ("^0", "<1.0.0,>=0"),
    ("^0.10.11.post1", "<0.11.0,>=0.10.11.post1"),
    ("~1.2.3", "<1.3.0,>=1.2.3"),
    ("~1.2", "<1.3.0,>=1.2"),
    ("~1", "<2.0.0,>=1"),
    ("*", ""),
    ("1.*", "==1.*"),
    ("1.2.*", "==1.2.*"),
    ("1.2.3", "==1.2.3"),
    ("==1.2.3", "==1.2.3"),
    ("~=1.4", "~=1.4"),
    (">=1.2 <2.0", "<2.0,>=1.2"),
    (">=1.2,!=1.5", "!=1.5,>=1.2"),
    ("^1.0 || ^2.0", ""),  # a union: no PEP 440 specifier says it, so unpinned
    ("latest", ""),
])
def test_poetry_constraint_syntax(constraint, specifier):
    (install,) = shell(f"poetry add 'x@{constraint}'").installs
    (requirement,) = install.requirements
    assert (requirement.name, requirement.specifier) == ("x", specifier)


def test_poetry_add_without_at_and_with_paths():
    (install,) = shell("poetry add 'x^1.2' y~=2.0 ./lib --editable").installs
    assert [(r.name, r.specifier) for r in install.requirements] == [("x", "<2.0.0,>=1.2"), ("y", "~=2.0")]
    assert install.files == (FileArg("-e", "./lib", loc(1, 27, 32)),)  # 'x^1.2' 12-18, y~=2.0 20-25


@pytest.mark.parametrize("text,tool,project,cwd,exact", [
    ("poetry install --no-root --no-interaction", "poetry install", ".", None, False),
    ("poetry install --only main -C backend", "poetry install", ".", "backend", False),
    ("poetry --directory=backend install", "poetry install", ".", "backend", False),
    ("poetry -P api install --sync", "poetry install", "api", None, True),
    ("poetry sync", "poetry sync", ".", None, True),
])
def test_poetry_install(text, tool, project, cwd, exact):
    (install,) = shell(text).installs
    assert (install.tool, install.project, install.cwd, install.exact) == (tool, project, cwd, exact)
    assert install.location == loc(1, 1, len(text) + 1)


def test_pipx_and_uv_tool_installs_are_isolated():
    command = shell("pipx install black==24.1.0 && uv tool install ruff==0.5.0 && python3 -m pipx install httpie")
    pipx, uv_tool, module = command.installs
    assert (pipx.tool, pipx.isolated, pipx.program) == ("pipx", True, "pipx")
    assert pipx.location == loc(1, 1, 27)
    assert [(r.name, r.pinned_version, r.location) for r in pipx.requirements] == [("black", "24.1.0", loc(1, 14, 27))]
    # "uv" starts at column 31; "ruff==0.5.0" at 31 + 16
    assert (uv_tool.tool, uv_tool.isolated, uv_tool.program) == ("uv tool", True, "uv")
    assert [(r.name, r.location) for r in uv_tool.requirements] == [("ruff", loc(1, 47, 58))]
    assert (module.tool, module.isolated, module.program) == ("pipx", True, "python3")
    assert [r.name for r in module.requirements] == ["httpie"]


def test_local_projects_are_file_args_with_their_paths():
    # cols: . 13, -e 15-16, ./lib 18-22, ./svc 24-28, "app @ file:///srv/app" 30-52, file:./x 54-61,
    # -e 63-64, ".[dev]" 66-73, -e 75-76, file:///srv/b 78-90
    text = 'pip install . -e ./lib ./svc "app @ file:///srv/app" file:./x -e ".[dev]" -e file:///srv/b'
    (install,) = shell(text).installs
    assert install.files == (
        FileArg("-e", "./lib", loc(1, 18, 23)),
        FileArg("-e", ".", loc(1, 66, 74), ("dev",)),  # extras are not part of the path, but kept
        FileArg("-e", "/srv/b", loc(1, 78, 91)),
        FileArg(".", ".", loc(1, 13, 14)),
        FileArg(".", "./svc", loc(1, 24, 29)),
        FileArg(".", "/srv/app", loc(1, 30, 53)),
        FileArg(".", "./x", loc(1, 54, 62)),
    )
    (named,) = install.requirements  # `name @ file:` names the package too
    assert (named.name, named.url, named.location) == ("app", "file:///srv/app", loc(1, 30, 53))


def test_an_editable_vcs_url_is_a_named_requirement():
    (install,) = shell("pip install -e git+https://example.com/o/r.git#egg=r").installs
    (requirement,) = install.requirements
    assert (requirement.name, requirement.editable) == ("r", True)
    assert install.files == ()


def test_a_file_url_to_an_archive_is_not_a_project():
    (install,) = shell("pip install 'w @ file:///wheels/w-1.0-py3-none-any.whl'").installs
    assert install.files == ()
    assert [r.name for r in install.requirements] == ["w"]


def test_wheel_globs_are_file_args_and_quoted_ones_are_not_globs():
    command = shell("pip install --no-index --find-links=/wheels /wheels/*.whl")
    assert command.installs[0].files == (FileArg(".", "/wheels/*.whl", loc(1, 45, 58)),)
    assert command.problems == ()
    quoted = shell("pip install '/wheels/*.whl'")
    assert [p.kind for p in quoted.problems] == ["requirement-syntax"]  # pip gets `*.whl` itself


def test_pip_wheel_and_download_record_where_the_files_go():
    command = shell("pip wheel -w /wheels -r requirements.txt && pip install --no-index --find-links /wheels "
                    "-r requirements.txt")
    wheel, install = command.installs
    assert (wheel.tool, wheel.target, wheel.location) == ("pip wheel", "/wheels", loc(1, 1, 41))
    assert wheel.files == (FileArg("-r", "requirements.txt", loc(1, 25, 41)),)
    assert (install.tool, install.target, install.location.column) == ("pip", None, 45)
    (download,) = shell("pip download -d /dl flask==3.0.0").installs
    assert (download.tool, download.target) == ("pip download", "/dl")
    assert [(r.name, r.location) for r in download.requirements] == [("flask", loc(1, 21, 33))]
    assert shell("pip wheel .").installs[0].target == "."  # pip's default: the current directory
    assert shell("python -m pip download --dest=/d x").installs[0].target == "/d"


@pytest.mark.parametrize("text,tool,program,target", [
    ("pip install --target /opt/lib x", "pip", "pip", "/opt/lib"),
    ("pip install -t/opt/lib x", "pip", "pip", "/opt/lib"),
    ("pip install --prefix=/install x", "pip", "pip", "/install"),
    ("pip install --root /r --prefix /usr x", "pip", "pip", "/r/usr"),
    ("pip install --root /r x", "pip", "pip", "/r"),
    ("pip3 install --user x", "pip", "pip3", "~/.local"),
    ("python3 -m pip install --user x", "pip", "python3", "~/.local"),
    ("/opt/venv/bin/pip install x", "pip", "/opt/venv/bin/pip", None),
    ("/venv/bin/python -m pip install x", "pip", "/venv/bin/python", None),
    ("$VENV/bin/pip install x", "pip", "/opt/venv/bin/pip", None),
    ("$NOPE/bin/pip install x", "pip", "$NOPE/bin/pip", None),
    ("pip --python /opt/venv/bin/python install x", "pip", "/opt/venv/bin/python", None),
    ("pip install --target $LIB x", "pip", "pip", "/opt/lib"),
    ("uv pip install x", "uv pip", "uv", None),
    ("uv pip install --system x", "uv pip", "python", None),
    ("/root/.local/bin/uv pip install --system x", "uv pip", "python", None),
    ("uv pip install --python /opt/venv/bin/python x", "uv pip", "/opt/venv/bin/python", None),
    ("uv pip install -p 3.12 x", "uv pip", "3.12", None),
    ("uv pip install --target /t x", "uv pip", "uv", "/t"),
    ("uv pip install --prefix /p x", "uv pip", "uv", "/p"),
])
def test_program_and_target(text, tool, program, target):
    (install,) = shell(text, env={"VENV": "/opt/venv", "LIB": "/opt/lib"}).installs
    assert (install.tool, install.program, install.target) == (tool, program, target)
    assert [r.name for r in install.requirements] == ["x"]


def test_uv_upgrade_and_reinstall_flags():
    sync, install = shell("uv sync -U && uv pip install --reinstall x").installs
    assert sync.upgrade and not sync.force_reinstall
    assert install.force_reinstall and not install.upgrade


@pytest.mark.parametrize("text", [
    "uv run pip list",
    "poetry --version",
    "pipx run black",
    "echo pip install x",
    "echo uv sync",
    "uv add --frozen x==1",
    "uv add --no-sync x==1",
    "uv add --script s.py x==1",
    "uv sync --check",
    "uv sync --dry-run",
    "uv lock",
    "uvx ruff",
    "uv tool run ruff",
    "uv pip compile requirements.in",
    "poetry add --lock x@1",
    "poetry add --dry-run x",
    "poetry install --dry-run",
    "poetry config virtualenvs.create false",
    "poetry self add poetry-plugin-export",
    "poetry lock",
    "pip install --dry-run x==1",
])
def test_commands_that_install_nothing_lasting(text):
    assert shell(text).installs == ()


# --- venvs ----------------------------------------------------------------------------------


def test_venvs_a_command_creates():
    # cols: /opt/venv 17-25, env2 52-55, `uv venv` 60-66, .v3 86-88
    command = shell("python3 -m venv /opt/venv && virtualenv -p python3 env2 && uv venv && uv venv --seed .v3")
    assert command.venvs == (
        Word("/opt/venv", loc(1, 17, 26)),
        Word("env2", loc(1, 52, 56)),
        Word(".venv", loc(1, 60, 67)),  # uv venv's default, located at the command
        Word(".v3", loc(1, 86, 89)),
    )
    assert command.installs == () and command.modules == ()


def test_venv_paths_follow_cd():
    assert shell("cd /srv && python -m venv .venv").venvs == (Word("/srv/.venv", loc(1, 27, 32)),)
    assert shell("cd $NOPE && uv venv").venvs[0].text == "?/.venv"
    assert shell("cd app && python -m venv /abs").venvs[0].text == "/abs"


# --- cd -------------------------------------------------------------------------------------


def test_cd_through_lists_and_subshells():
    command = shell("cd /app && pip install -r r.txt; cd sub || true; pip install . ; "
                    "(cd x && pip install y==1); pip install z==1")
    assert [i.cwd for i in command.installs] == ["/app", "/app/sub", "/app/sub/x", "/app/sub"]
    assert command.installs[0].location == loc(1, 12, 32)


def test_relative_cds_compose():
    command = shell("cd a && cd b && pip install . && cd .. && pip install q && cd ../.. && pip install w "
                    "&& cd /abs && cd .. && pip install e")
    assert [i.cwd for i in command.installs] == ["a/b", "a", "..", "/"]
    assert shell("cd a && cd .. && pip install x").installs[0].cwd is None  # back where it started


@pytest.mark.parametrize("cd,cwd", [
    ("cd", "?"),  # HOME
    ("cd -", "?"),  # OLDPWD
    ("cd ~/x", "?"),
    ("cd $NOPE", "?"),
    ("cd $NOPE/a && cd b", "?"),
    ("cd $NOPE && cd /abs", "/abs"),
    ("cd a b", "?"),
    ("cd $APP", "/app"),
    ('cd "${APP}/sub"', "/app/sub"),
    ("cd -P /x", "/x"),
    ("cd -- /x", "/x"),
    ("pushd /x", "/x"),
    ("pushd /x; pushd y; popd", "/x"),
    ("pushd /x; popd", None),
    ("popd", None),
])
def test_cd_forms(cd, cwd):
    (install,) = shell(f"{cd}; pip install x", env={"APP": "/app"}).installs
    assert install.cwd == cwd


@pytest.mark.parametrize("text,cwd", [
    ("(cd /x); pip install a", None),
    ("cd /x | cat; pip install a", None),
    ("cd /x & pip install a", None),
    ("echo $(cd /x) && pip install a", None),
    ("sh -c 'cd /x'; pip install a", None),
    ("bash <<EOF\ncd /x\nEOF\npip install a", None),
    ("{ cd /x; }; pip install a", "/x"),  # a group runs in the current shell
    ("if true; then cd /x; fi; pip install a", "/x"),
    ("case $M in a) cd /x ;; esac; pip install a", "/x"),
])
def test_what_a_cd_leaks_into(text, cwd):
    assert shell(text).installs[-1].cwd == cwd


def test_cd_inside_a_shell_string_applies_inside_it():
    command = shell('cd /app && sh -c "cd svc && uv sync" && pip install x')
    inner, after = command.installs
    assert (inner.tool, inner.cwd, inner.project) == ("uv sync", "/app/svc", ".")
    assert inner.location == loc(1, 29, 36)
    assert after.cwd == "/app"


def test_uv_directory_composes_with_cd():
    command = shell("cd /srv && uv pip install --directory backend -r requirements.txt && uv --directory api add x")
    assert [(i.tool, i.cwd) for i in command.installs] == [("uv pip", "/srv/backend"), ("uv add", "/srv/api")]


# --- the new installers inside shell structure -----------------------------------------------


def test_new_installers_inside_conditionals_subshells_substitutions_and_heredocs():
    text = SourceText(PATH, [
        ("if [ -f uv.lock ]; then uv sync --frozen; fi && sh -c 'poetry install' || (pipx install httpie); "
         "echo $(uv add x==1) `uv pip sync r.txt`; bash <<EOF\n", 1, 1),
        ("poetry add y@1.0\n", 2, 1),
        ("EOF\n", 3, 1),
    ])
    command = analyze_shell("RUN", text)
    assert [i.tool for i in command.installs] == ["uv sync", "poetry install", "pipx", "uv add", "uv pip sync",
                                                  "poetry add"]
    poetry_add = command.installs[-1]
    assert poetry_add.location == loc(2, 1, 17)
    assert [(r.name, r.specifier, r.location) for r in poetry_add.requirements] == [("y", "==1.0", loc(2, 12, 17))]
    assert command.installs[1].location == loc(1, 56, 70)  # inside the quotes at columns 55 and 70


def test_exec_form_project_installs():
    # RUN ["uv", "sync", "--locked"]
    words = exec_words(("uv", 6, 10), ("sync", 12, 18), ("--locked", 20, 30))
    (install,) = analyze_exec("RUN", words, loc(1, 1, 31)).installs
    assert (install.tool, install.program, install.project, install.location) == ("uv sync", "uv", ".", loc(1, 6, 30))
    # RUN ["sh", "-c", "cd /app && pip install ."]
    words = exec_words(("sh", 6, 10), ("-c", 12, 16), ("cd /app && pip install .", 18, 44))
    (install,) = analyze_exec("RUN", words, loc(1, 1, 45)).installs
    assert install.cwd == "/app" and install.files == (FileArg(".", ".", loc(1, 42, 43)),)


def test_an_argument_expanding_past_64_kib_is_not_followed():
    """`pip install $A$A…` with a long A would copy A once per reference; past 64 KiB the
    argument is reported as not followed instead of being built."""
    long_value = "x" * 40_000
    command = analyze_shell("RUN", SourceText.single("Dockerfile", "pip install $A$A$A", 3, 5), {"A": long_value})
    assert command.installs[0].requirements == ()
    (problem,) = command.problems
    assert (problem.kind, str(problem.location)) == ("requirement-unresolved", "Dockerfile:3:17")
    assert "expands to more than 64 KiB" in problem.message
    assert long_value not in problem.message


@settings(max_examples=300, deadline=None)
@given(segments=st.lists(st.tuples(st.text("ab\\", max_size=6), st.integers(1, 9), st.integers(1, 5)), max_size=4))
def test_spanner_locates_as_span_does(segments):
    """The shell analysis locates its words with SourceText.spanner, span's one-function form."""
    text = SourceText("Dockerfile", segments)
    spanner = text.spanner()
    for start in range(len(text.text) + 1):
        for end in range(start, len(text.text) + 2):
            assert spanner(start, end) == text.span(start, end)
