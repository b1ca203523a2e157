"""The SQLite gradebook: one transaction per submission (trusted side).

A submission's scores are written all at once or not at all, so a run that
is killed leaves every student either fully graded or not graded.  Each row
keeps the hash of the submission's files and of the suite it was graded
with, so that a second run can skip what has not changed.
"""
import sqlite3
import threading
import time

SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    student     TEXT NOT NULL,
    assignment  TEXT NOT NULL,
    score       REAL NOT NULL,
    max_score   REAL NOT NULL,
    seconds     REAL NOT NULL,
    graded_at   REAL NOT NULL,
    submission_hash TEXT NOT NULL,
    suite_hash  TEXT NOT NULL,
    PRIMARY KEY (student, assignment)
);
CREATE TABLE IF NOT EXISTS results (
    student     TEXT NOT NULL,
    assignment  TEXT NOT NULL,
    position    INTEGER NOT NULL,
    case_name   TEXT NOT NULL,
    function    TEXT NOT NULL,
    score       REAL NOT NULL,
    max_score   REAL NOT NULL,
    status      TEXT NOT NULL,
    message     TEXT NOT NULL,
    hidden      INTEGER NOT NULL,
    PRIMARY KEY (student, assignment, case_name),
    FOREIGN KEY (student, assignment) REFERENCES submissions(student, assignment) ON DELETE CASCADE
);
"""


class Gradebook:
    def __init__(self, path):
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)
        self._lock = threading.Lock()  # one connection, shared by the grading threads

    def record(self, student, assignment, results, seconds, submission_hash, suite_hash):
        """Replace `student`'s scores by `results`, atomically."""
        with self._lock, self.db:  # BEGIN ... COMMIT, or ROLLBACK on error
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("DELETE FROM submissions WHERE student = ? AND assignment = ?", (student, assignment))
            self.db.execute("INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            (student, assignment, sum(r.score for r in results),
                             sum(r.max_score for r in results), seconds, time.time(), submission_hash, suite_hash))
            self.db.executemany(
                "INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(student, assignment, i, r.case, r.function, r.score, r.max_score, r.status, r.message,
                  int(r.hidden)) for i, r in enumerate(results)])

    def hashes(self, assignment, suite_hash):
        """{student: submission hash} of those graded with this very suite."""
        return dict(self.db.execute("SELECT student, submission_hash FROM submissions "
                                    "WHERE assignment = ? AND suite_hash = ?", (assignment, suite_hash)))

    def scores(self, assignment):
        """[(student, score, max_score, {case: score})] for every graded student, by name."""
        rows = self.db.execute("SELECT student, score, max_score FROM submissions WHERE assignment = ? "
                               "ORDER BY student", (assignment,)).fetchall()
        cases = {}
        for student, case, score in self.db.execute(
                "SELECT student, case_name, score FROM results WHERE assignment = ? ORDER BY student, position",
                (assignment,)):
            cases.setdefault(student, {})[case] = score
        return [(student, score, max_score, cases.get(student, {})) for student, score, max_score in rows]

    def close(self):
        self.db.close()
