"""Exercises of notebook 11 (image captioning)."""

from rnncourse.exercises._registry import register

__all__ = []

# The grammar of the shape scenes (as in rnncourse.data.images; repeated here so
# that the exercises do not need the data files).
_SIZES = ("small", "big")
_COLOURS = ("red", "green", "blue", "yellow", "purple")
_SHAPES = ("circle", "square", "triangle", "diamond")
_HELD_OUT = 4  # colour+shape pairs never in training


def _grid_cells(image_size, halvings):
    side = image_size // 2**halvings
    return side * side


def _conv_params(kernel, in_channels, filters):
    return kernel * kernel * in_channels * filters + filters


@register(
    "11.grid_cells",
    "The encoder halves the resolution of a 32x32 image three times. How many grid cells "
    "(feature vectors) does the decoder attend over?",
    "Each halving divides both sides by 2: 32 -> 16 -> 8 -> 4 on each side.",
)
def _ex_11_grid_cells():
    return _grid_cells(image_size=32, halvings=3)


@register(
    "11.colour_params",
    "How many trainable parameters does Conv2D(16, 1) have on RGB images (3 channels)?",
    "A 1x1 kernel has one weight per input channel for each filter, plus one bias per filter.",
)
def _ex_11_colour_params():
    return _conv_params(kernel=1, in_channels=3, filters=16)


@register(
    "11.one_shape_captions",
    "With 2 sizes, 5 colours and 4 shapes, how many different one-shape captions can the "
    "grammar make, and how many can occur in training when 4 colour+shape pairs are held "
    "out? Answer with a tuple.",
    "Multiply the choices; held out are colour+shape pairs, each of which comes in every size.",
)
def _ex_11_one_shape_captions():
    total = len(_SIZES) * len(_COLOURS) * len(_SHAPES)
    seen = len(_SIZES) * (len(_COLOURS) * len(_SHAPES) - _HELD_OUT)
    return (total, seen)


@register(
    "11.beam_rows",
    "Beam search with a beam width of 4 over 1,000 test images: how many rows does the "
    "step function receive at each step?",
    "All images are searched together, and each image keeps beam_width prefixes.",
)
def _ex_11_beam_rows():
    images, beam_width = 1000, 4
    return images * beam_width


@register(
    "11.digit_captions",
    "compose_digit_strings writes numbers of 3 to 5 digits, each digit 0-9. How many different "
    "captions can it write?",
    "Count the numbers of each length separately (10 choices per digit) and add them up.",
)
def _ex_11_digit_captions():
    return sum(10**k for k in range(3, 6))
