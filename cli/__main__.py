"""`python -m cli ...` is the same as `delta87 ...`."""

from cli import main

if __name__ == "__main__":
    main(prog_name="python -m cli")
