"""docs/benchmarks.md for the Python benchmarks: each one rewrites only its own "## " section,
leaving every other section (and the hand-written notes in them) as it is."""
import pathlib

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"
HEADER = ("# Benchmarks\n\nMeasured numbers. Benchmarks never assert on speed; each section says "
          "how it was measured and which command reproduces it.\n\n")


def write_section(section, text_, log, doc_path=DOC):
    """Replaces the section whose header line is `section` (up to the next "## " header or the
    end) with text_, or appends it; creates the file with its header when there is none."""
    doc = doc_path.read_text() if doc_path.exists() else HEADER
    out, skip, done = [], False, False
    for line in doc.splitlines():
        if line == section:
            out.append(text_.rstrip("\n"))
            skip, done = True, True
            continue
        if skip and line.startswith("## "):
            skip = False
            out.append("")
        if not skip:
            out.append(line)
    if not done:
        out += ["", text_.rstrip("\n")]
    doc_path.write_text("\n".join(out).rstrip("\n") + "\n")
    log(f'wrote "{section}" in {doc_path.name}')
