# The two commands of the README: `make run` and `make test`. Everything they need
# (Python 3.10 virtual environment, packages, trained model) is installed on demand.
SHELL := /bin/bash
BIN := .venv/bin
STAMP := .venv/.installed-$(shell cat requirements.txt constraints.txt 2>/dev/null | cksum | cut -d' ' -f1)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONPATH := $(CURDIR)

.PHONY: install train run shell test unit lint validate evaluate evaluate-clients clean bench forget-old

$(STAMP): requirements.txt constraints.txt
	scripts/bootstrap.sh
	rm -f .venv/.installed-*
	touch $@

install: $(STAMP)

# Skipped when neither data, domain nor config changed (scripts/train.sh, then Rasa's fingerprint).
train: install
	scripts/train.sh

run: train
	scripts/web_setup.sh
	scripts/serve.sh run

shell: train
	scripts/serve.sh shell

lint: install
	$(BIN)/ruff check .

unit: install
	$(BIN)/python -m pytest tests/bot tests/actions tests/rasa_extensions tests/scripts tests/test_docs.py -q

validate: install
	$(BIN)/rasa data validate --fail-on-warnings

test: install
	scripts/test.sh

# 5-fold cross-validation of the NLU training data: a benchmark, not part of `make test`.
evaluate: install
	$(BIN)/rasa test nlu --nlu data --config config.yml --cross-validation --folds 5 --out results/cross-validation
	$(BIN)/python scripts/nlu_scores.py results/cross-validation

# Real clients, measured: single messages and scripted whole conversations over REST against
# servers of its own, on the sets written without seeing data/ (tests/evaluation/README.md);
# fails below each set's thresholds (tests/evaluation/sets.yml). Needs a trained model
# (`make train`; make test trains).
evaluate-clients: install
	$(BIN)/python scripts/evaluate_clients.py --gate --sets tests/evaluation/sets.yml --out results/evaluation

# Latency, throughput, memory, start-up and training time against Rasa's starter bot:
# a benchmark (about half an hour), not part of `make test`.
bench: install
	$(BIN)/python bench/run.py

# Delete conversations idle for more than RETENTION_DAYS (30) from the tracker store
# named by RASA_ENDPOINTS (endpoints.yml). Run it daily from cron or a timer.
forget-old: install
	$(BIN)/python -m rasa_extensions.retention

clean:
	rm -rf models results build logs .pytest_cache
