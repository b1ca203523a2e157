"""`python -m grader collect ASSIGNMENT_DIR`: the zip a student hands in.

It holds what grading reads, chosen by the very rule grading uses to copy a
submission (`files.private_copy`: the `.py` and `.ipynb` files, and the saved
files the release's manifest lists: the models the notebooks save and those
the suite's cases grade; no caches, checkpoints or data sets), so what a
student hands in is what gets graded, and a zip stays small.

It refuses, writing nothing, when grading could not go well and the student
can still fix it: a file the release holds is missing (the manifest lists
every one), a notebook is not a valid notebook file, or a notebook looks
unsaved.  It warns, and still writes the zip, when the work looks unfinished:
public checks that fail or wait for code, a notebook never run, a saved model
that is not there.  "Looks unsaved" is a heuristic: Jupyter's checkpoint of the notebook (`.ipynb_checkpoints/
<name>-checkpoint.ipynb`) is newer than the notebook and differs from it.
Edits that live only in the browser leave no trace on disk, so nothing here
can see them; hence the reminder to save.

Runs from the student bundle: it imports nothing that holds answers.
"""
import json
import os
import tempfile
import warnings

from grader.public import manifest as manifest_file
from grader.public.files import MAX_FILE_BYTES, private_copy, read_tree, write_zip
from grader.public.suite import saved_files, student_cases

CHECKPOINT_SLACK = 1.0             # seconds: file systems store coarse times


def run(assignment_dir, out_zip=None, assignment=None):
    """Write `<assignment>_submission.zip` (default: beside the folder); return the exit code."""
    folder = os.path.abspath(assignment_dir)
    assignment = assignment or os.path.basename(folder)
    out_zip = out_zip or os.path.join(os.path.dirname(folder), f"{assignment}_submission.zip")
    if not os.path.isdir(folder):
        print(f"Not collected: {assignment_dir} is not a folder. Give the path of your assignment folder, "
              "e.g. assignments/assignment1.")
        return 1
    cases = student_cases(assignment)
    if cases is None:
        return 2
    manifest = manifest_file.find(folder, assignment)
    # What is saved for grading: as the release lists it, and as the public cases declare it.
    saved = sorted(set((manifest or {}).get("saved", [])) | set(saved_files(cases)))
    with tempfile.TemporaryDirectory(prefix="grader-collect-") as copy:
        private_copy(folder, copy, saved)
        entries = read_tree(copy, saved=saved)
    needed = [(name,) for name in manifest["files"]] if manifest else needed_files(cases)
    problems = missing(folder, needed, entries)
    notebooks = [name for name in sorted(entries) if name.endswith(".ipynb")]
    problems += [problem for problem in (notebook_problem(folder, name) for name in notebooks) if problem]
    if problems:
        print(f"Not collected: fix {'this' if len(problems) == 1 else 'these'} first, then run the same "
              "command again.")
        print("\n".join(f"  - {problem}" for problem in problems))
        if os.path.exists(out_zip):
            print(f"An older {out_zip} is still there: it does not hold your latest work, do not hand it in.")
        return 1
    notes = unfinished(folder, assignment, cases, notebooks, [name for name in saved if name not in entries])
    if manifest is None:
        notes.insert(0, f"No {manifest_file.FILE} was found beside your notebooks, so only the files the public "
                            "checks use were checked for: put back the one from the assignment you were given.")
    if notes:
        print("Collected, but look at this before you hand it in:")
        print("\n".join(f"  - {warning}" for warning in notes))
    write_zip(out_zip, entries)
    print(f"Collected {len(entries)} files of {assignment} into {out_zip}:")
    width = max(len(name) for name in entries)
    for name in sorted(entries):
        print(f"  {name:<{width}}  {_size(len(entries[name]))}")
    print(f"Zip size: {_size(os.path.getsize(out_zip))}. Hand in {os.path.basename(out_zip)} as your "
          "instructor says.")
    return 0


def unfinished(folder, assignment, cases, notebooks, absent):
    """Why the work looks unfinished (warnings, not refusals): notebooks never
    run, saved models missing, and the public checks' summary when they do
    not all pass."""
    notes = []
    never_run = [name for name in notebooks if not _has_run(os.path.join(folder, name))]
    if never_run:
        notes.append(f"never run (no cell has been executed): {', '.join(never_run)}. Run each notebook top to "
                         "bottom and save it, so that its answers and figures are in what you hand in.")
    notes += [f"{name} is not there (or is larger than {MAX_FILE_BYTES // 2**20} MiB), so it is not in the zip: "
              "the notebook that makes it saves it when run to the end, and a case that grades it scores 0 "
              "without it."
              for name in absent]
    try:
        from grader.public import check
        from grader.public.scoring import not_implemented
        results = check.public_results(folder, assignment, cases)
    except Exception as exc:   # e.g. Windows, where the checks' worker processes cannot start
        notes.append(f"the public checks could not run here ({type(exc).__name__}: {exc}); run "
                         f"`python -m grader check` where they do (Linux, macOS, WSL) before you hand in.")
        return notes
    passed = sum(r.passed for r in results)
    if passed < len(results):
        waiting = sorted({not_implemented(r) for r in results} - {None})
        notes.append(f"the public checks: {passed} of {len(results)} pass"
                         + (f"; not implemented yet: {', '.join(waiting)}" if waiting else "")
                         + ". Run `python -m grader check` to see what is wrong.")
    return notes


def _has_run(path):
    """True when some code cell of the notebook at `path` has been executed."""
    try:
        with open(path, encoding="utf-8") as f:
            notebook = json.load(f)
    except (OSError, ValueError):
        return True   # notebook_problem has said what is wrong with it
    return any(cell.get("execution_count") for cell in notebook.get("cells", [])
               if isinstance(cell, dict) and cell.get("cell_type") == "code")


def needed_files(cases):
    """The files the public cases' targets live in: `pkg.mod:Name` is
    `pkg/mod.py` (or `pkg/mod/__init__.py`), `name.ipynb:function` the notebook.
    (A saved model is not needed: without it only its own cases score 0.)"""
    needed = set()
    for case in cases:
        where = case.target.split(":")[0]
        if where.endswith(".ipynb"):
            needed.add((where,))
        else:
            stem = where.replace(".", "/")
            needed.add((f"{stem}.py", f"{stem}/__init__.py"))
    return sorted(needed)


def missing(folder, needed, entries):
    """Why each needed file is not among `entries` (the files to be zipped)."""
    problems = []
    for choices in needed:
        if any(name in entries for name in choices):
            continue
        name = choices[0]
        if os.path.exists(os.path.join(folder, name)):
            problems.append(f"{name} cannot be collected: it is larger than grading accepts, or a link. If it is "
                            "a notebook, clear its outputs (Kernel > Restart Kernel and Clear All Outputs), save "
                            "it, and collect again.")
        else:
            problems.append(f"{name} is missing: the assignment needs it. Put it back (from the assignment "
                            "you were given if need be) with your work in it.")
    return problems


def notebook_problem(folder, name):
    """Why the notebook `name` (relative to `folder`) cannot be handed in, or None."""
    path = os.path.join(folder, name)
    with open(path, "rb") as f:
        data = f.read()
    checkpoint = os.path.join(folder, _checkpoint(name))
    reopen = "Open it in Jupyter: if it opens, save it (Ctrl-S) and collect again" + (
        f"; if it does not, Jupyter's last checkpoint of it is {_checkpoint(name)}." if os.path.isfile(checkpoint)
        else ".")
    try:
        notebook = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return f"{name} is not a valid notebook file: it is not UTF-8 text. {reopen}"
    except json.JSONDecodeError as exc:
        return (f"{name} is not a valid notebook file: its JSON breaks at line {exc.lineno}, "
                f"column {exc.colno} ({exc.msg}). {reopen}")
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        return f"{name} is not a valid notebook file: it is JSON but has no list of cells. {reopen}"
    if notebook.get("nbformat") != 4:
        return (f"{name} is not a valid notebook file: it says it is in notebook format "
                f"{notebook.get('nbformat')!r}, and grading reads format 4 (what Jupyter writes). {reopen}")
    schema_error = _schema_error(notebook)
    if schema_error:
        return f"{name} is not a valid notebook file ({schema_error}). {reopen}"
    if os.path.isfile(checkpoint) and os.path.getmtime(checkpoint) > os.path.getmtime(path) + CHECKPOINT_SLACK:
        with open(checkpoint, "rb") as f:
            if f.read() != data:
                return (f"{name} looks unsaved: Jupyter's checkpoint of it ({_checkpoint(name)}) is newer than "
                        "the notebook itself. Save your notebook (Ctrl-S) before collecting.")
    return None


def _schema_error(notebook):
    """nbformat's own verdict on the notebook, where nbformat is installed
    (the student bundle needs only numpy, so it may not be)."""
    try:
        import nbformat
    except ImportError:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.validate(nbformat.from_dict(notebook))
    except Exception as exc:  # ValidationError, or a notebook too odd for the validator
        return str(getattr(exc, "message", exc)).splitlines()[0][:200]
    return None


def _checkpoint(name):
    folder, base = os.path.split(name)
    return os.path.join(folder, ".ipynb_checkpoints", f"{base[:-len('.ipynb')]}-checkpoint.ipynb")


def _size(count):
    return f"{count / 1024:.1f} KiB" if count < 2**20 else f"{count / 2**20:.1f} MiB"
