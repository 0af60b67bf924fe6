"""Progress bars for nnkit's loops, all made here (tqdm, loaded only when asked for).

While a loop runs, tqdm shows a live bar: a widget in Jupyter (JupyterLab, Colab, Binder), text on
stderr elsewhere. When the loop ends, the bar gives way to one line of plain text that says how it
ended::

    training: 400/400 epochs, loss 0.01234
    perceptron rule: converged after 9 epochs

In a notebook that line replaces the widget through an IPython display handle (an
``update_display_data`` message), so an executed notebook saves the final line, and the book's
pages, which show no widgets, print it instead of the bar's text at creation ("0%").
"""
import sys

__all__ = ["plural", "epochs", "Progress"]


def plural(n, unit):
    """``"1 epoch"``, ``"9 epochs"``."""
    return f"{n} {unit}{'' if n == 1 else 's'}"


def epochs(n_epochs, progress, history, desc="training"):
    """range(n_epochs), behind a progress bar showing the latest ``history["loss"]`` if asked.

    Shared by every training loop of nnkit (``MLP.fit``, ``Perceptron.fit``, ``nnkit.cnn``,
    ``nnkit.transfer``). A loop that stops early on purpose says why with
    ``bar.close("stopped early after 57 of 1000 epochs")`` before it breaks.
    """
    return Progress(range(n_epochs), progress, desc, "epoch", history)


class Progress:
    """Iterate over ``items`` behind a progress bar if ``progress``; end with one line of text.

    Parameters
    ----------
    items : sized iterable
        What the loop runs over (``range(n_epochs)``, a list of runs).
    progress : bool
        Show the bar. If False nothing is shown or imported.
    desc, unit : str
        The bar's label, and what one item is ("epoch", "run").
    history : dict or None
        A training history: its latest ``"loss"`` is shown with the bar and in the final line.

    Iterating advances the bar after each item and closes it when the loop ends; a loop that
    counts by hand calls :meth:`update` and :meth:`close`. The final line is
    ``"{desc}: {message}, loss {loss}"``, where ``message`` is given to :meth:`close`, or else
    says how many items ran ("400/400 epochs", or "stopped at epoch 13 of 400" if the loop ended
    early without saying why, e.g. on an exception).
    """

    def __init__(self, items, progress, desc="training", unit="epoch", history=None):
        if not isinstance(progress, bool):
            raise TypeError(f"progress must be True or False, got {progress!r}")
        self.items, self.total, self.n = items, len(items), 0
        self.desc, self.unit, self.history = desc, unit, history
        self.closed = not progress
        self._bar, self._handle = _open_bar(self.total, desc, unit) if progress else (None, None)

    def __iter__(self):
        try:
            for item in self.items:
                yield item
                self.update()
        finally:  # also on break and on exceptions: the generator is closed then
            self.close()

    def update(self, n=1):
        """Count ``n`` more items done."""
        self.n += n
        if not self.closed:
            loss = self._loss()
            if loss:
                self._bar.set_postfix_str(loss, refresh=False)
            self._bar.update(n)

    def close(self, message=None):
        """Replace the bar by its final line; later calls do nothing."""
        if self.closed:
            return
        self.closed = True
        if message is None:
            message = (f"{self.n}/{plural(self.total, self.unit)}" if self.n == self.total
                       else f"stopped at {self.unit} {self.n + 1} of {self.total}")
        text = ", ".join(filter(None, [f"{self.desc}: {message}", self._loss()]))
        self._bar.total = self._bar.n  # closing short of total would style the widget as an error
        self._bar.close()  # leave=False: the bar disappears (widget hidden, text line cleared)
        if self._handle is None:
            print(text, file=sys.stderr, flush=True)
        else:
            self._handle.update({"text/plain": text}, raw=True)
            for widget in (*self._bar.container.children, self._bar.container):
                widget.close()

    def _loss(self):
        losses = (self.history or {}).get("loss")
        return f"loss {losses[-1]:.4g}" if losses else ""


def _open_bar(total, desc, unit):
    """A tqdm bar, and the display handle of its widget (None outside Jupyter)."""
    from tqdm.auto import tqdm  # only when asked: tqdm.auto loads ipywidgets in Jupyter

    notebook = sys.modules.get("tqdm.notebook")  # imported by tqdm.auto if it chose the widget
    if notebook is None or not issubclass(tqdm, notebook.tqdm_notebook):
        return tqdm(total=total, desc=desc, unit=unit, leave=False), None
    from IPython.display import display

    bar = tqdm(total=total, desc=desc, unit=unit, leave=False, display=False)
    # The widget's view as a raw bundle: ipywidgets 7 (Colab) displays a widget object through
    # _ipython_display_, which drops display_id, so the final line could not replace the bar.
    view = {"text/plain": str(bar), "application/vnd.jupyter.widget-view+json":
            {"version_major": 2, "version_minor": 0, "model_id": bar.container.model_id}}
    return bar, display(view, raw=True, display_id=True)
