"""Exercises of notebook 11 (image captioning)."""

from rnncourse.exercises._registry import register

__all__ = []

# The grammar of the shape scenes (as in rnncourse.data.images; repeated here so
# that the exercises do not need the data files).
_SIZES = ("small", "big")
_COLOURS = ("red", "green", "blue", "yellow", "purple")
_SHAPES = ("circle", "square", "triangle", "diamond")
_HELD_OUT = 4  # colour+shape pairs never in training

# Not the notebook's encoder (32x32 images, Conv2D(16, 1)): its prose and summary() give those
# answers, 16 cells and 64 parameters.
GRID_IMAGE_SIZE, GRID_HALVINGS = 48, 3
COLOUR_FILTERS, COLOUR_CHANNELS = 32, 3


def _grid_cells(image_size, halvings):
    side = image_size // 2**halvings
    return side * side


def _conv_params(kernel, in_channels, filters):
    return kernel * kernel * in_channels * filters + filters


@register(
    "11.grid_cells",
    f"An encoder like section 2's halves the resolution of a {GRID_IMAGE_SIZE}x{GRID_IMAGE_SIZE} "
    f"image {GRID_HALVINGS} times. How many grid cells (feature vectors) does the decoder "
    "attend over?",
    "Each halving divides both sides by 2: side = image size / 2**halvings, and the grid has "
    "side x side cells.",
    idea="Section 2's encoder: each halving shrinks both sides of the image, and the decoder "
    "attends over every cell of the final grid, not over one side of it.",
)
def _ex_11_grid_cells():
    return _grid_cells(image_size=GRID_IMAGE_SIZE, halvings=GRID_HALVINGS)


@register(
    "11.colour_params",
    f"A wider colour stream: how many trainable parameters does Conv2D({COLOUR_FILTERS}, 1) have "
    f"on RGB images ({COLOUR_CHANNELS} channels)?",
    "A 1x1 kernel has one weight per input channel for each filter, plus one bias per filter: "
    "(1 x 1 x channels + 1) x filters.",
    idea="Section 2's colour stream: a 1x1 convolution is a small dense layer applied to each "
    "pixel's channels, with the same weights at every pixel.",
)
def _ex_11_colour_params():
    return _conv_params(kernel=1, in_channels=COLOUR_CHANNELS, filters=COLOUR_FILTERS)


@register(
    "11.one_shape_captions",
    "With 2 sizes, 5 colours and 4 shapes, how many different one-shape captions can the "
    "grammar make, and how many can occur in training when 4 colour+shape pairs are held "
    "out? Answer with a tuple.",
    "Multiply the choices: sizes x colours x shapes; in training, sizes x (colours x shapes - "
    "held-out pairs), since each held-out pair is missing in every size.",
    idea="Section 1's grammar: a one-shape caption picks a size, a colour and a shape; what is "
    "held out is a colour+shape pair, whatever its size.",
)
def _ex_11_one_shape_captions():
    total = len(_SIZES) * len(_COLOURS) * len(_SHAPES)
    seen = len(_SIZES) * (len(_COLOURS) * len(_SHAPES) - _HELD_OUT)
    return (total, seen)


@register(
    "11.beam_rows",
    "Beam search with a beam width of 4 over 1,000 test images: how many rows does the "
    "step function receive at each step?",
    "All images are searched together, and each image keeps beam_width prefixes: "
    "images x beam_width.",
    idea="Section 3 decodes all test images in one batch; how many prefixes does beam search "
    "keep for each image?",
)
def _ex_11_beam_rows():
    images, beam_width = 1000, 4
    return images * beam_width


@register(
    "11.digit_captions",
    "compose_digit_strings writes numbers of 3 to 5 digits, each digit 0-9. How many different "
    "captions can it write?",
    "Count the numbers of each length separately and add them up: 10**k numbers of k digits, "
    "for k = 3, 4 and 5.",
    idea="Section 4: a caption is one number read aloud; count the numbers of each allowed "
    "length (a number may start with zero).",
)
def _ex_11_digit_captions():
    return sum(10**k for k in range(3, 6))
