"""Exercises of notebook 12 (trends: Transformers, linear RNNs, scaling out)."""

from rnncourse.exercises._registry import register

__all__ = []

#: The parameters of each exercise, as the notebook states them.
SCORES_HEADS, SCORES_TOKENS = 4, 1000
MHA_HEADS, MHA_KEY_DIM, MHA_FEATURES = 2, 16, 32
SCAN_STEPS = 1000
KV_LAYERS, KV_WIDTH, KV_BYTES_PER_NUMBER, KV_TOKENS = 12, 768, 4, 2048
REPLICAS, GLOBAL_BATCH = 4, 256


def attention_scores(heads, tokens):
    """Entries of the softmax matrices of one self-attention layer on one sequence."""
    return heads * tokens * tokens


def mha_params(heads, key_dim, features):
    """Parameters of ``keras.layers.MultiHeadAttention(heads, key_dim)`` on ``features`` inputs.

    Query, key and value each project ``features`` to ``heads * key_dim`` with a
    bias; the output projects ``heads * key_dim`` back to ``features`` with a bias.
    """
    inner = heads * key_dim
    return 3 * (features * inner + inner) + (inner * features + features)


def scan_rounds(steps):
    """Rounds of the doubling (Hillis-Steele) scan that ``MinGRU(mode="parallel")`` runs."""
    rounds, span = 0, 1
    while span < steps:
        span *= 2
        rounds += 1
    return rounds


def kv_cache_bytes(n_layers, width, bytes_per_number, tokens):
    """Bytes of keys and values a decoder caches after ``tokens`` tokens."""
    return 2 * n_layers * width * bytes_per_number * tokens


@register(
    "12.attention_scores",
    f"How many attention scores (entries of the softmax matrices) does one "
    f"MultiHeadAttention layer with {SCORES_HEADS} heads compute for one sequence of "
    f"{SCORES_TOKENS:,} tokens?",
    "Every head scores every position against every position: heads x T x T.",
)
def _ex_12_attention_scores():
    return attention_scores(SCORES_HEADS, SCORES_TOKENS)


@register(
    "12.mha_params",
    f"How many parameters does keras.layers.MultiHeadAttention(num_heads={MHA_HEADS}, "
    f"key_dim={MHA_KEY_DIM}) have when queries, keys and values have {MHA_FEATURES} features?",
    "Q, K and V each map the features to heads * key_dim numbers (weights and biases); "
    "the output maps heads * key_dim back to the features (weights and biases).",
)
def _ex_12_mha_params():
    return mha_params(MHA_HEADS, MHA_KEY_DIM, MHA_FEATURES)


@register(
    "12.scan_rounds",
    f"How many rounds of the parallel scan does MinGRU need for a sequence of "
    f"{SCAN_STEPS:,} steps?",
    "Each round doubles the span of steps every position covers: the smallest k with "
    "2**k >= T, i.e. ceil(log2(T)).",
)
def _ex_12_scan_rounds():
    return scan_rounds(SCAN_STEPS)


@register(
    "12.kv_cache_bytes",
    f"A Transformer decoder with {KV_LAYERS} layers and width {KV_WIDTH} keeps a key and a "
    f"value vector (float32, {KV_BYTES_PER_NUMBER} bytes per number) per layer for every "
    f"token it has seen. How many bytes of KV cache does it hold after {KV_TOKENS:,} tokens?",
    "Two vectors (key and value) of `width` numbers, per layer, per token, 4 bytes each.",
)
def _ex_12_kv_cache_bytes():
    return kv_cache_bytes(KV_LAYERS, KV_WIDTH, KV_BYTES_PER_NUMBER, KV_TOKENS)


@register(
    "12.replica_batch",
    f"MirroredStrategy on {REPLICAS} GPUs trains with a global batch of {GLOBAL_BATCH}. "
    "How many sequences does each replica process per step?",
    "The global batch is split evenly between the replicas.",
)
def _ex_12_replica_batch():
    if GLOBAL_BATCH % REPLICAS:
        raise ValueError(f"GLOBAL_BATCH={GLOBAL_BATCH} must divide evenly by REPLICAS={REPLICAS}.")
    return GLOBAL_BATCH // REPLICAS
