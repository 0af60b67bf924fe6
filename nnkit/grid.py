"""Grid data: convolution, pooling and what they save in parameters.

Images and other grid-shaped data have a structure that a fully-connected layer ignores: the
same pattern can appear anywhere. A convolutional layer exploits it by sliding one small
kernel over the grid, so that every position of a feature map shares the same weights. This
module computes, with numpy only:

- ``conv2d``: the cross-correlation used in deep learning (no kernel flip), with zero
  padding (an int, ``"valid"`` or ``"same"``) and a stride, for one image ``(H, W)`` or a
  stack of channels ``(C, H, W)`` with ``K`` kernels ``(K, C, kh, kw)``;
- ``max_pool2d`` and ``avg_pool2d``: parameter-free summaries of each area;
- ``conv_output_size``: the output size ``floor((n + 2p - k) / s) + 1``;
- ``dense_param_count`` and ``conv_param_count``: why convolution needs so few weights;
- ``VERTICAL_BAR`` and ``HORIZONTAL_BAR``: the book's two 3x3 bar detectors;
- ``VGG16_LAYERS`` and ``vgg16_param_counts``: the 16 weight layers of VGG16, whose
  parameter counts are computed from the layer shapes (138,357,544 in total).

Arrays are channels first, like torch: ``(C, H, W)``.

Taught in: chapter 7, "Grid data and convolution" (chapters/07-convolution) and chapter 8,
"Pooling and CNN architectures" (chapters/08-pooling-and-cnns).
"""
import numpy as np

from nnkit._validation import as_float, as_float_array, as_int, as_rng, check_choice

__all__ = [
    "conv2d", "conv2d_backward", "learn_kernel", "max_pool2d", "avg_pool2d", "conv_output_size",
    "dense_param_count", "conv_param_count",
    "VERTICAL_BAR", "HORIZONTAL_BAR", "VGG16_LAYERS", "vgg16_param_counts",
    "vgg16_multiply_adds",
]

PADDING_NAMES = ("valid", "same")


def _padding_widths(padding, kernel_size, stride):
    """Return the zero rows (or columns) ``(before, after)`` that ``padding`` adds.

    ``"same"`` adds ``k - 1`` in total, ``(k - 1) // 2`` before and the rest after, as torch
    does: an even kernel gets its extra row at the bottom and its extra column at the right.
    """
    if isinstance(padding, str):
        check_choice(padding, "padding", PADDING_NAMES)
        if padding == "valid":
            return 0, 0
        if stride != 1:
            raise ValueError(f'padding="same" needs stride 1, got stride={stride}')
        total = kernel_size - 1
        return total // 2, total - total // 2
    p = as_int(padding, "padding", minimum=0)
    return p, p


def _check_fits(kernel_size, padded_size, name, axis):
    if kernel_size > padded_size:
        raise ValueError(
            f"{name} is larger than the padded input along {axis}: "
            f"{kernel_size} > {padded_size}; expected {name} <= n + 2*padding")


def conv_output_size(n, kernel_size, padding=0, stride=1):
    """Return the size of a convolution's output along one axis.

    Parameters
    ----------
    n : int
        Input size (height or width), at least 1.
    kernel_size : int
        Kernel size ``k`` along the same axis, at least 1.
    padding : int or {"valid", "same"}, default 0
        Zero rows ``p`` added on each side; ``"valid"`` means 0 and ``"same"`` pads so that
        the output has the input's size (only with ``stride=1``).
    stride : int, default 1
        Step ``s`` between neighbouring kernel positions, at least 1.

    Returns
    -------
    int
        ``floor((n + 2p - k) / s) + 1``.

    Examples
    --------
    >>> conv_output_size(6, 3)
    4
    >>> conv_output_size(224, 3, padding="same")
    224
    >>> conv_output_size(7, 3, padding=1, stride=2)
    4

    Taught in: chapter 7, "Grid data and convolution" (chapters/07-convolution).
    """
    n = as_int(n, "n", minimum=1)
    k = as_int(kernel_size, "kernel_size", minimum=1)
    s = as_int(stride, "stride", minimum=1)
    before, after = _padding_widths(padding, k, s)
    _check_fits(k, n + before + after, "kernel_size", "this axis")
    return (n + before + after - k) // s + 1


def _as_images_and_kernels(x, kernel):
    """Return ``x`` as ``(C, H, W)`` and ``kernel`` as ``(K, C, kh, kw)``, checking shapes."""
    if x.ndim == 2 and kernel.ndim != 2:
        raise ValueError(
            f"kernel must be 2-D (kh, kw) when x is 2-D (H, W), got kernel of shape {kernel.shape}")
    if x.ndim == 3 and kernel.ndim != 4:
        raise ValueError(
            f"kernel must be 4-D (K, C, kh, kw) when x is 3-D (C, H, W), "
            f"got kernel of shape {kernel.shape}")
    if x.ndim == 2:
        return x[np.newaxis], kernel[np.newaxis, np.newaxis]
    if kernel.shape[1] != x.shape[0]:
        raise ValueError(
            f"x has {x.shape[0]} channels but kernel expects {kernel.shape[1]} "
            f"(kernel shape (K, C, kh, kw) = {kernel.shape})")
    return x, kernel


def conv2d(x, kernel, stride=1, padding=0):
    """Slide ``kernel`` over ``x`` and return the feature map(s): a cross-correlation.

    Each output value is ``sum_{c,i,j} kernel[k, c, i, j] * x_padded[c, s*r + i, s*q + j]``:
    the kernel is not flipped, exactly as in deep-learning libraries.

    Parameters
    ----------
    x : ndarray of shape (H, W) or (C, H, W)
        One image, or a stack of ``C`` channels.
    kernel : ndarray of shape (kh, kw) or (K, C, kh, kw)
        One kernel for a 2-D ``x``; ``K`` kernels with ``C`` channels each for a 3-D ``x``.
    stride : int, default 1
        Step between neighbouring kernel positions, at least 1.
    padding : int or {"valid", "same"}, default 0
        Zero rows and columns added on every side; ``"valid"`` means 0, and ``"same"`` keeps
        the input's size (stride 1 only; an even kernel gets its extra zero row at the bottom
        and its extra zero column at the right, as in torch).

    Returns
    -------
    ndarray of shape (H', W') or (K, H', W')
        ``H' = conv_output_size(H, kh, padding, stride)``, and likewise ``W'``. float32 when
        ``x`` and ``kernel`` are both float32 (as in torch, about twice as fast), else float64.

    Examples
    --------
    >>> image = -np.ones((5, 5)); image[:, 2] = 1   # a vertical bar: +1 dark, -1 light
    >>> conv2d(image, VERTICAL_BAR)
    array([[-3.,  9., -3.],
           [-3.,  9., -3.],
           [-3.,  9., -3.]])

    Taught in: chapter 7, "Grid data and convolution" (chapters/07-convolution).
    """
    x, padded, kernels, s = _conv_inputs(x, kernel, stride, padding, keep_float32=True)
    feature_maps = _correlate(padded, kernels, s)
    return feature_maps[0] if x.ndim == 2 else feature_maps


def _conv_inputs(x, kernel, stride, padding, keep_float32=False):
    """Check conv2d's arguments: return ``x``, the padded ``(C, H, W)`` images, the kernels as
    ``(K, C, kh, kw)`` and the stride. With ``keep_float32`` they stay float32 if ``x`` and
    ``kernel`` both are."""
    x = as_float_array(x, "x", ndim=(2, 3), keep_float32=keep_float32)
    kernel = as_float_array(kernel, "kernel", ndim=(2, 4), keep_float32=keep_float32)
    if x.dtype != kernel.dtype:
        x, kernel = x.astype(np.float64, copy=False), kernel.astype(np.float64, copy=False)
    images, kernels = _as_images_and_kernels(x, kernel)
    s = as_int(stride, "stride", minimum=1)
    return x, _pad(images, kernels.shape[-2:], s, padding), kernels, s


def _pad(images, kernel_shape, stride, padding):
    """Add ``padding``'s zero rows and columns to ``(C, H, W)`` images; check the kernel fits."""
    kh, kw = kernel_shape
    rows, cols = _padding_widths(padding, kh, stride), _padding_widths(padding, kw, stride)
    padded = np.pad(images, ((0, 0), rows, cols)) if max(rows + cols) > 0 else images
    _check_fits(kh, padded.shape[1], "kernel", "the height")
    _check_fits(kw, padded.shape[2], "kernel", "the width")
    return padded


def _window(padded, i, j, out_shape, stride):
    """The input values under kernel entry ``(i, j)`` at every output position: a strided view."""
    out_h, out_w = out_shape
    return padded[..., i:i + stride * (out_h - 1) + 1:stride, j:j + stride * (out_w - 1) + 1:stride]


def _correlate(padded, kernels, stride):
    """Cross-correlate padded ``(C, H, W)`` images with ``(K, C, kh, kw)`` kernels.

    One kernel on one channel: add up ``kh * kw`` shifted copies of the image, each scaled by
    one kernel entry, a strip of output rows at a time. Otherwise gather every window into a
    matrix with one column per output position ("im2col") and multiply it by the kernels, one
    kernel per row: a single matrix product, the way deep-learning libraries do it.
    """
    n_kernels, channels, kh, kw = kernels.shape
    out_shape = ((padded.shape[1] - kh) // stride + 1, (padded.shape[2] - kw) // stride + 1)
    if n_kernels == channels == 1:
        return _shift_and_add(padded[0], kernels[0, 0], stride, out_shape)[np.newaxis]
    columns = np.empty((channels, kh, kw, *out_shape), dtype=padded.dtype)
    for i, j in np.ndindex(kh, kw):
        columns[:, i, j] = _window(padded, i, j, out_shape, stride)
    products = kernels.reshape(n_kernels, -1) @ columns.reshape(channels * kh * kw, -1)
    return products.reshape(n_kernels, *out_shape)


def _shift_and_add(image, kernel, stride, out_shape):
    """One kernel over one image: out = Σ_ij kernel[i, j] · (image shifted by i, j).

    The sum is made for a strip of about 128 kB of output rows at a time, so that the strip
    and its partial sums stay in the processor's cache across all ``kh * kw`` terms (about
    twice as fast on a 512 x 512 image as summing whole images).
    """
    kh, kw = kernel.shape
    out_h, out_w = out_shape
    out = np.empty(out_shape, dtype=image.dtype)
    rows = max(1, (128 * 1024) // (out_w * image.itemsize))
    term = np.empty((rows, out_w), dtype=image.dtype)
    for top in range(0, out_h, rows):
        n = min(rows, out_h - top)
        # the input rows under this strip, and the strip's share of out
        strip_in = image[stride * top:stride * (top + n - 1) + kh]
        strip_out, strip_term = out[top:top + n], term[:n]
        np.multiply(_window(strip_in, 0, 0, (n, out_w), stride), kernel[0, 0], out=strip_out)
        for i, j in list(np.ndindex(kh, kw))[1:]:
            strip_out += np.multiply(_window(strip_in, i, j, (n, out_w), stride), kernel[i, j],
                                     out=strip_term)
    return out


def conv2d_backward(x, kernel, grad_output, stride=1, padding=0):
    """Return the gradients of a loss with respect to ``conv2d``'s input and kernel.

    If ``y = conv2d(x, kernel, stride, padding)`` and ``grad_output`` holds ``dL/dy``, the
    chain rule gives, for every kernel entry ``(i, j)`` (``x_p`` is the padded input)::

        dL/dkernel[k, c, i, j] = sum_{r,q} dL/dy[k, r, q] * x_p[c, s*r + i, s*q + j]
        dL/dx_p[c, s*r + i, s*q + j] += sum_k dL/dy[k, r, q] * kernel[k, c, i, j]

    A weight is shared by every position of the feature map, so its gradient adds up the
    contributions of all positions. The gradient of the padding zeros is dropped.

    Parameters
    ----------
    x : ndarray of shape (H, W) or (C, H, W)
        The input of the forward pass.
    kernel : ndarray of shape (kh, kw) or (K, C, kh, kw)
        The kernel(s) of the forward pass.
    grad_output : ndarray of shape (H', W') or (K, H', W')
        ``dL/dy``, the shape of ``conv2d(x, kernel, stride, padding)``.
    stride : int, default 1
    padding : int or {"valid", "same"}, default 0
        As in ``conv2d``.

    Returns
    -------
    grad_x : ndarray, the shape of x
    grad_kernel : ndarray, the shape of kernel

    Examples
    --------
    >>> x = np.arange(9.0).reshape(3, 3)
    >>> grad_x, grad_kernel = conv2d_backward(x, np.ones((2, 2)), np.ones((2, 2)))
    >>> grad_kernel        # each kernel entry saw four input values; L = sum of the outputs
    array([[ 8., 12.],
           [20., 24.]])
    >>> grad_x             # how many windows covered each input value
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])

    Taught in: chapter 7, "Grid data and convolution" (chapters/07-convolution).
    """
    x, padded, kernels, s = _conv_inputs(x, kernel, stride, padding)
    n_kernels, channels, kh, kw = kernels.shape
    out_shape = ((padded.shape[1] - kh) // s + 1, (padded.shape[2] - kw) // s + 1)
    grad = as_float_array(grad_output, "grad_output", ndim=x.ndim)
    expected = (n_kernels, *out_shape) if x.ndim == 3 else out_shape
    if grad.shape != expected:
        raise ValueError(f"grad_output must have the shape of conv2d's output, {expected}, "
                         f"got {grad.shape}")
    grad = grad.reshape(n_kernels, *out_shape)
    grad_padded, grad_kernels = np.zeros_like(padded), np.empty_like(kernels)
    for i, j in np.ndindex(kh, kw):
        window = _window(padded, i, j, out_shape, s)                   # (C, H', W')
        grad_kernels[:, :, i, j] = np.tensordot(grad, window, axes=([1, 2], [1, 2]))
        _window(grad_padded, i, j, out_shape, s)[...] += np.tensordot(
            kernels[:, :, i, j], grad, axes=(0, 0))
    (top, _), (left, _) = (_padding_widths(padding, kh, s), _padding_widths(padding, kw, s))
    grad_x = grad_padded[:, top:top + x.shape[-2], left:left + x.shape[-1]]
    return (grad_x[0], grad_kernels[0, 0]) if x.ndim == 2 else (grad_x, grad_kernels)


def learn_kernel(images, targets, kernel_size=3, epochs=100, learning_rate=1.0,
                 random_state=None):
    """Learn a kernel and a bias by gradient descent, so that its feature map marks ``targets``.

    The model is one convolutional unit with a sigmoid: ``p = sigmoid(conv2d(image, kernel,
    padding="same") + bias)``, one probability per cell. The loss is the binary cross-entropy
    between ``p`` and ``targets``, averaged over every cell of every image; its gradient with
    respect to the weighted input is ``delta = (p - targets) / n_cells``, and the kernel's
    gradient is the sum that ``conv2d_backward`` computes, ``sum delta * x_p[i + r, j + q]``
    for each entry ``(i, j)``, here for all images at once. Each epoch is one full-batch
    gradient-descent step.

    Parameters
    ----------
    images : ndarray of shape (N, H, W)
        Single-channel training images.
    targets : ndarray of shape (N, H, W)
        The wanted feature maps, values in [0, 1] (1 where the pattern is).
    kernel_size : int, default 3
        The kernel is ``kernel_size x kernel_size``; odd, so that "same" padding is symmetric.
    epochs : int, default 100
        Gradient-descent steps.
    learning_rate : float, default 1.0
        Step size, > 0.
    random_state : None, int or numpy.random.Generator
        Seeds the small random initial kernel.

    Returns
    -------
    kernel : ndarray of shape (kernel_size, kernel_size)
    bias : float
    losses : list of float
        The loss before each step (``epochs`` values).

    Examples
    --------
    >>> images = -np.ones((1, 5, 5)); images[0, 2, 1:4] = 1.0   # one horizontal segment
    >>> targets = np.zeros((1, 5, 5)); targets[0, 2, 2] = 1.0   # marked at its centre
    >>> kernel, bias, losses = learn_kernel(images, targets, epochs=50, random_state=0)
    >>> bool(losses[-1] < losses[0])
    True

    Taught in: chapter 7, "Grid data and convolution" (chapters/07-convolution).
    """
    images = as_float_array(images, "images", ndim=3)
    targets = as_float_array(targets, "targets", ndim=3)
    if targets.shape != images.shape:
        raise ValueError(f"targets must have the shape of images {images.shape}, "
                         f"got {targets.shape}")
    if targets.min() < 0 or targets.max() > 1:
        raise ValueError("targets must lie in [0, 1]")
    k = as_int(kernel_size, "kernel_size", minimum=1)
    if k % 2 == 0:
        raise ValueError(f"kernel_size must be odd, got {k}")
    epochs = as_int(epochs, "epochs", minimum=1)
    learning_rate = as_float(learning_rate, "learning_rate", minimum=0.0, exclusive_minimum=True)
    # every image's k*k shifted copies, one per kernel entry (i, j): z = sum_ij kernel[i, j] * copy
    pad = k // 2
    padded = np.pad(images, ((0, 0), (pad, pad), (pad, pad)))
    shifted = np.stack([_window(padded, i, j, images.shape[1:], 1) for i, j in np.ndindex(k, k)])
    shifted = shifted.reshape(k * k, -1)                                # (k*k, N*H*W)
    t = targets.ravel()
    kernel, bias, losses = 0.1 * as_rng(random_state).standard_normal((k, k)), 0.0, []
    for _ in range(epochs):
        z = kernel.ravel() @ shifted + bias        # all feature maps: conv2d(image, kernel, "same")
        p = 1.0 / (1.0 + np.exp(-z))
        losses.append(-np.mean(t * np.log(p + 1e-12) + (1 - t) * np.log(1 - p + 1e-12)))
        delta = (p - t) / t.size                   # dL/dz
        grad_kernel = (shifted @ delta).reshape(k, k)   # conv2d_backward's sum, for all images
        kernel, bias = kernel - learning_rate * grad_kernel, bias - learning_rate * delta.sum()
    return kernel, float(bias), losses


def _pool(x, size, stride, summary):
    """Combine every ``size x size`` window with ``summary`` (``np.maximum`` or ``np.add``).

    Both summaries are separable: first combine ``size`` neighbours along each row, then
    ``size`` of those row results along each column (``2 * size`` array operations, not
    ``size ** 2``).
    """
    x = as_float_array(x, "x", ndim=(2, 3), keep_float32=True)
    size = as_int(size, "size", minimum=1)
    s = size if stride is None else as_int(stride, "stride", minimum=1)
    if size > min(x.shape[-2:]):
        raise ValueError(
            f"size {size} is larger than x's height x width {x.shape[-2:]}; "
            f"expected size <= {min(x.shape[-2:])}")
    along_rows = _fold(x, size, s, summary, axis=-1)
    return _fold(along_rows, size, s, summary, axis=-2)


def _fold(x, size, stride, summary, axis):
    """Combine ``size`` neighbours along ``axis`` at every ``stride``-th position."""
    n_out = (x.shape[axis] - size) // stride + 1
    index = [slice(None)] * x.ndim

    def shifted(i):  # the i-th neighbour of every window, one strided view
        index[axis] = slice(i, i + stride * (n_out - 1) + 1, stride)
        return x[tuple(index)]

    out = shifted(0).copy()
    for i in range(1, size):
        summary(out, shifted(i), out=out)
    return out


def max_pool2d(x, size=2, stride=None):
    """Keep the largest value of each ``size x size`` area (no padding, no parameters).

    Parameters
    ----------
    x : ndarray of shape (H, W) or (C, H, W)
        Feature map(s); each channel is pooled separately.
    size : int, default 2
        Side of the square pooling area, at most ``min(H, W)``.
    stride : int or None, default None
        Step between areas; ``None`` means ``size`` (areas that do not overlap).

    Returns
    -------
    pooled : ndarray of shape (H', W') or (C, H', W')
        One value per area: ``H' = floor((H - size) / stride) + 1``, and likewise ``W'``;
        float32 for a float32 ``x``, else float64.

    Examples
    --------
    >>> max_pool2d(np.arange(16.0).reshape(4, 4))
    array([[ 5.,  7.],
           [13., 15.]])

    Taught in: chapter 8, "Pooling and CNN architectures" (chapters/08-pooling-and-cnns).
    """
    return _pool(x, size, stride, np.maximum)


def avg_pool2d(x, size=2, stride=None):
    """Average each ``size x size`` area (no padding, no parameters).

    It takes the same arguments as ``max_pool2d`` and returns the same shape; only the
    summary of each area differs: its mean, which blurs, instead of its maximum.

    Parameters
    ----------
    x : ndarray of shape (H, W) or (C, H, W)
    size : int, default 2
    stride : int or None, default None (the same as ``size``)

    Examples
    --------
    >>> x = np.arange(16.0).reshape(4, 4)     # the same input as in max_pool2d
    >>> avg_pool2d(x)
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    >>> avg_pool2d(x, size=3, stride=1)       # overlapping areas
    array([[ 5.,  6.],
           [ 9., 10.]])

    Taught in: chapter 8, "Pooling and CNN architectures" (chapters/08-pooling-and-cnns).
    """
    return _pool(x, size, stride, np.add) / (size * size)


def dense_param_count(n_inputs, n_units, bias=True):
    """Return the number of parameters of a fully-connected layer.

    Each of the ``n_units`` perceptrons has one weight per input, plus one bias.

    Parameters
    ----------
    n_inputs : int
        Inputs of each perceptron (for an image: height x width x channels), at least 1.
    n_units : int
        Perceptrons in the layer, at least 1.
    bias : bool, default True
        Whether each perceptron has a bias.

    Returns
    -------
    int
        ``n_units * (n_inputs + 1)``, or ``n_units * n_inputs`` without bias.

    Examples
    --------
    >>> dense_param_count(3 * 1000 * 1000, 1)   # one perceptron on a 1000x1000 RGB image
    3000001

    Taught in: chapter 7, "Grid data and convolution" (chapters/07-convolution).
    """
    n_inputs = as_int(n_inputs, "n_inputs", minimum=1)
    n_units = as_int(n_units, "n_units", minimum=1)
    if not isinstance(bias, (bool, np.bool_)):
        raise TypeError(f"bias must be True or False, got {type(bias).__name__} {bias!r}")
    return n_units * (n_inputs + int(bias))


def conv_param_count(kernel_h, kernel_w, in_channels, out_channels):
    """Return the number of parameters of a convolutional layer.

    Each of the ``out_channels`` kernels is ``kernel_h x kernel_w x in_channels`` weights plus
    one bias, whatever the size of the image it slides over.

    Parameters
    ----------
    kernel_h, kernel_w : int
        Kernel height and width, at least 1.
    in_channels : int
        Channels ``D`` of the input (3 for an RGB image), at least 1.
    out_channels : int
        Number of kernels, that is of output feature maps, at least 1.

    Returns
    -------
    int
        ``out_channels * (kernel_h * kernel_w * in_channels + 1)``.

    Examples
    --------
    >>> conv_param_count(3, 3, 3, 64)   # VGG16's first layer
    1792

    Taught in: chapter 7, "Grid data and convolution" (chapters/07-convolution).
    """
    kernel_h = as_int(kernel_h, "kernel_h", minimum=1)
    kernel_w = as_int(kernel_w, "kernel_w", minimum=1)
    in_channels = as_int(in_channels, "in_channels", minimum=1)
    out_channels = as_int(out_channels, "out_channels", minimum=1)
    return out_channels * (kernel_h * kernel_w * in_channels + 1)


def _read_only(rows):
    kernel = np.array(rows, dtype=np.float64)
    kernel.setflags(write=False)
    return kernel


#: 3x3 detector of a vertical bar (dark cells +1, light cells -1); 9 on a perfect bar.
VERTICAL_BAR = _read_only([[-1, 1, -1], [-1, 1, -1], [-1, 1, -1]])
#: 3x3 detector of a horizontal bar; the transpose of ``VERTICAL_BAR``.
HORIZONTAL_BAR = _read_only([[-1, -1, -1], [1, 1, 1], [-1, -1, -1]])

# VGG16 (Simonyan & Zisserman, 2015, configuration D): five blocks of 3x3 convolutions with
# padding 1, each followed by a 2x2 max pooling with stride 2, then three dense layers.
_VGG16_INPUT = (3, 224, 224)
_VGG16_BLOCKS = ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512))
_VGG16_DENSE = (4096, 4096, 1000)


def _vgg16_layers():
    """Return VGG16's weight layers, following the map sizes through the network."""
    layers = []
    channels, size, _ = _VGG16_INPUT
    for b, block in enumerate(_VGG16_BLOCKS, start=1):
        for i, out_channels in enumerate(block, start=1):
            layers.append((f"conv{b}_{i}", "conv", (3, 3, channels, out_channels)))
            channels, size = out_channels, conv_output_size(size, 3, padding=1)
        size = conv_output_size(size, 2, stride=2)  # max pooling: same formula, p = 0
    n_inputs = channels * size * size  # 512 * 7 * 7 = 25088 after flattening
    for i, n_units in enumerate(_VGG16_DENSE, start=len(_VGG16_BLOCKS) + 1):  # fc6, fc7, fc8
        layers.append((f"fc{i}", "dense", (n_inputs, n_units)))
        n_inputs = n_units
    return tuple(layers)


#: VGG16's 16 weight layers as ``(name, kind, shape)``: ``kind`` is ``"conv"`` with
#: ``shape = (kernel_h, kernel_w, in_channels, out_channels)`` or ``"dense"`` with
#: ``shape = (n_inputs, n_units)``, the arguments of the matching ``*_param_count``.
VGG16_LAYERS = _vgg16_layers()

_PARAM_COUNTS = {"conv": conv_param_count, "dense": dense_param_count}


def vgg16_param_counts():
    """Return the number of parameters (weights and biases) of each VGG16 weight layer.

    Returns
    -------
    list of (str, int)
        ``(layer_name, n_params)`` for the 13 convolutional and 3 dense layers of
        ``VGG16_LAYERS``, in order; their sum is VGG16's famous 138 million.

    Examples
    --------
    >>> vgg16_param_counts()[0]
    ('conv1_1', 1792)
    >>> vgg16_param_counts()[13]   # 25088 inputs = 512 maps of 7 x 7
    ('fc6', 102764544)

    Taught in: chapter 8, "Pooling and CNN architectures" (chapters/08-pooling-and-cnns).
    """
    return [(name, _PARAM_COUNTS[kind](*shape)) for name, kind, shape in VGG16_LAYERS]


def vgg16_multiply_adds():
    """Return the multiply-adds each VGG16 weight layer does for one 224 x 224 colour image.

    A convolution does one multiply-add per kernel weight at every output position,
    ``H_out * W_out * (k * k * C_in) * C_out``; a dense layer one per weight, ``n_in * n_out``.
    The maps keep their size through each block's padded convolutions and halve at its pooling.

    Returns
    -------
    list of (str, int)
        ``(layer_name, multiply_adds)`` for the layers of ``VGG16_LAYERS``, in order.

    Examples
    --------
    >>> counts = dict(vgg16_multiply_adds())
    >>> counts["conv1_1"]            # 224 * 224 positions, 27 weights each, 64 kernels
    86704128
    >>> counts["fc6"]                # one per weight
    102760448

    Taught in: chapter 8, "Pooling and CNN architectures" (chapters/08-pooling-and-cnns).
    """
    counts, size, block = [], _VGG16_INPUT[1], "1"
    for name, kind, shape in VGG16_LAYERS:
        if kind == "conv":
            if name[4] != block:  # a new block: the previous one ended with a 2 x 2 pooling
                block, size = name[4], conv_output_size(size, 2, stride=2)
            k_h, k_w, c_in, c_out = shape
            counts.append((name, size * size * k_h * k_w * c_in * c_out))
        else:
            n_in, n_out = shape
            counts.append((name, n_in * n_out))
    return counts
