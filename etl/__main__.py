"""`python -m etl ...` is the same as `delta87 etl ...`."""

from cli import etl

if __name__ == "__main__":
    etl(prog_name="python -m etl")
