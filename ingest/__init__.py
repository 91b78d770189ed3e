"""The application core: a run's lifecycle as plain functions (no Prefect, no Typer)."""
