"""python -m etl → etl.cli.main."""
from .cli import main

if __name__ == "__main__":
    main(prog_name="python -m etl")
