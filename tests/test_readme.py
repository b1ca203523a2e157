"""README's commands are the ones CI runs."""
import os
import re

from support import REPO


def readme_commands():
    with open(os.path.join(REPO, "README.md")) as f:
        text = f.read()
    return re.findall(r"```bash\n(bash setup\.sh && [^\n]+)\n```", text)


def test_readme_gives_the_set_up_and_main_job_command_and_the_test_command():
    assert len(readme_commands()) >= 2


def test_ci_runs_the_readme_test_command_verbatim():
    test_command = [c for c in readme_commands() if "pytest" in c][0]
    with open(os.path.join(REPO, ".ci", "run")) as f:
        assert test_command in f.read().splitlines()
