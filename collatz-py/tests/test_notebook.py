"""The example notebook in docs/notebooks runs from top to bottom (its cells assert results)."""

import pathlib

import pytest

NOTEBOOK = pathlib.Path(__file__).resolve().parents[2] / "docs" / "notebooks" / "collatz_tour.ipynb"


def test_the_example_notebook_runs(monkeypatch):
    # the kernel inherits the environment: let it use its inline backend, as in Jupyter
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    # both figures were drawn
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 2
