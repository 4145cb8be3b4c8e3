from envlint.cli import run

run()
