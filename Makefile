# The two commands a newcomer needs; each installs what it needs into .venv first.
.PHONY: demo test venv

export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

venv:
	@scripts/bootstrap.sh

demo: venv
	.venv/bin/shahrnameh demo

test:
	scripts/test.sh
