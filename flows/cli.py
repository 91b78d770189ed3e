import typer

app = typer.Typer(help="Shahrnameh: Persian municipal news → programme facts.")


@app.command()
def version() -> None:
    """Print the version."""
    from shahrnameh import __version__

    print(__version__)
