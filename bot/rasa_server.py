"""The Rasa server as the Procfile starts it (``scripts/run_rasa.py`` execs ``python -m bot.rasa_server``):
Rasa's own command line, with one change to how Rasa checks the action server's answers.

Rasa 3.6 checks every answer of the action server (two to three per chat turn: form validation and
the action) with ``jsonschema.validate(result, RemoteAction.action_response_format_spec())``. That
function checks the schema itself and builds a new validator on every call: about 20 ms of CPU per
answer on this machine, 43 % of a turn's CPU in the Rasa process (docs/benchmarks.md, "Where a chat
turn spends its CPU"). :func:`install` replaces the method by one that checks the same answer
against the same schema with a validator built once: the same checks, the same error (jsonschema's
``best_match``, with Rasa's hint appended), about 1.6 ms per answer.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import Any

#: Rasa's hint appended to the error message (rasa/core/actions/action.py, 3.6)
HINT = (
    ". Failed to validate Action server response from API, make sure your response from the "
    "Action endpoint is valid. For more information about the format visit "
)


@cache
def response_validator() -> Any:
    """The validator of Rasa's action-response schema, checked and built once per process."""
    import jsonschema
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """``RemoteAction._validate_action_result`` with the validator built once."""
    import jsonschema
    from rasa.shared.constants import DOCS_BASE_URL

    error = jsonschema.exceptions.best_match(response_validator().iter_errors(result))
    if error is not None:
        error.message += f"{HINT}{DOCS_BASE_URL}/custom-actions"
        raise error
    return True


def install() -> None:
    """Use :func:`validate_action_result` for every remote action of this process."""
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def main(argv: list[str]) -> None:
    """Rasa's command line (``rasa run …``) with :func:`install` applied first."""
    install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *argv]
    rasa_main()


if __name__ == "__main__":
    main(sys.argv[1:])
