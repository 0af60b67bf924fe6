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
from numpy.lib.stride_tricks import sliding_window_view

from nnkit._validation import as_float_array, as_int, check_choice

__all__ = [
    "conv2d", "max_pool2d", "avg_pool2d", "conv_output_size",
    "dense_param_count", "conv_param_count",
    "VERTICAL_BAR", "HORIZONTAL_BAR", "VGG16_LAYERS", "vgg16_param_counts",
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
        ``H' = conv_output_size(H, kh, padding, stride)``, and likewise ``W'``.

    Examples
    --------
    >>> image = -np.ones((5, 5)); image[:, 2] = 1   # a vertical bar: +1 dark, -1 light
    >>> conv2d(image, VERTICAL_BAR)
    array([[-3.,  9., -3.],
           [-3.,  9., -3.],
           [-3.,  9., -3.]])

    Taught in: chapter 7, "Grid data and convolution" (chapters/07-convolution).
    """
    x = as_float_array(x, "x", ndim=(2, 3))
    kernel = as_float_array(kernel, "kernel", ndim=(2, 4))
    images, kernels = _as_images_and_kernels(x, kernel)
    s = as_int(stride, "stride", minimum=1)
    kh, kw = kernels.shape[-2:]
    rows, cols = _padding_widths(padding, kh, s), _padding_widths(padding, kw, s)
    padded = np.pad(images, ((0, 0), rows, cols))
    _check_fits(kh, padded.shape[1], "kernel", "the height")
    _check_fits(kw, padded.shape[2], "kernel", "the width")
    windows = sliding_window_view(padded, (kh, kw), axis=(1, 2))[:, ::s, ::s]
    feature_maps = np.einsum("crqij,kcij->krq", windows, kernels, optimize=True)
    return feature_maps[0] if x.ndim == 2 else feature_maps


def _pool(x, size, stride, summary):
    """Apply ``summary`` (``np.max`` or ``np.mean``) to every ``size x size`` window."""
    x = as_float_array(x, "x", ndim=(2, 3))
    size = as_int(size, "size", minimum=1)
    s = size if stride is None else as_int(stride, "stride", minimum=1)
    if size > min(x.shape[-2:]):
        raise ValueError(
            f"size {size} is larger than x's height x width {x.shape[-2:]}; "
            f"expected size <= {min(x.shape[-2:])}")
    windows = sliding_window_view(x, (size, size), axis=(-2, -1))[..., ::s, ::s, :, :]
    return summary(windows, axis=(-2, -1))


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
        One value per area: ``H' = floor((H - size) / stride) + 1``, and likewise ``W'``.

    Examples
    --------
    >>> max_pool2d(np.arange(16.0).reshape(4, 4))
    array([[ 5.,  7.],
           [13., 15.]])

    Taught in: chapter 8, "Pooling and CNN architectures" (chapters/08-pooling-and-cnns).
    """
    return _pool(x, size, stride, np.max)


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
    return _pool(x, size, stride, np.mean)


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
