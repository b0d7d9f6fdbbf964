from ladderdocs.cli import run

run()
