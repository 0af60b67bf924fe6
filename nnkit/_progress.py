"""Progress bars for training loops (tqdm, loaded only when asked for)."""


def epochs(n_epochs, progress, history):
    """range(n_epochs), behind a tqdm progress bar showing the latest loss if asked.

    Shared by every training loop of nnkit (``MLP.fit``, ``nnkit.cnn``, ``nnkit.transfer``).
    """
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be True or False, got {progress!r}")
    if not progress:
        yield from range(n_epochs)
        return
    from tqdm.auto import tqdm  # only when asked: tqdm.auto loads ipywidgets in Jupyter

    with tqdm(range(n_epochs), desc="training", unit="epoch") as bar:
        for epoch in bar:
            yield epoch
            if history["loss"]:
                bar.set_postfix(loss=f"{history['loss'][-1]:.4f}")
