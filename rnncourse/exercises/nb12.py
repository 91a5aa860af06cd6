"""Exercises of notebook 12 (trends: Transformers, linear RNNs, scaling out)."""

from rnncourse.exercises._registry import register

__all__ = []

#: The parameters of each exercise, as the notebook states them. None is a case the notebook
#: works out: its section 1 prints MultiHeadAttention(2, 16) on 32 features, section 5 the
#: rounds for T = 64, 256 and 1024, section 7 the KV cache per token of 12 layers of width 768.
SCORES_HEADS, SCORES_TOKENS = 4, 1000
MHA_HEADS, MHA_KEY_DIM, MHA_FEATURES = 4, 8, 48
SCAN_STEPS = 2000
KV_LAYERS, KV_WIDTH, KV_BYTES_PER_NUMBER, KV_TOKENS = 24, 1024, 2, 4096
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
    idea="Section 1: one head's score matrix Q K^T compares positions with positions, and the "
    "layer has one such matrix per head.",
)
def _ex_12_attention_scores():
    return attention_scores(SCORES_HEADS, SCORES_TOKENS)


@register(
    "12.mha_params",
    f"How many parameters does keras.layers.MultiHeadAttention(num_heads={MHA_HEADS}, "
    f"key_dim={MHA_KEY_DIM}) have when queries, keys and values have {MHA_FEATURES} features?",
    "Q, K and V each map the features to heads x key_dim numbers, with a bias: "
    "3 x (features x heads x key_dim + heads x key_dim); the output maps heads x key_dim back "
    "to the features: heads x key_dim x features + features.",
    idea="Section 1's parameter table counts four projections (query, key, value, output); "
    "here heads x key_dim is not the number of features, so count each projection's size.",
)
def _ex_12_mha_params():
    return mha_params(MHA_HEADS, MHA_KEY_DIM, MHA_FEATURES)


@register(
    "12.scan_rounds",
    f"How many rounds of the parallel scan does MinGRU need for a sequence of "
    f"{SCAN_STEPS:,} steps?",
    "Each round doubles the span of steps every position covers: the smallest k with "
    "2**k >= T, i.e. ceil(log2(T)).",
    idea="Section 5's Hillis-Steele scan: how does the span of steps every position covers grow "
    "from one round to the next, and when is it enough?",
)
def _ex_12_scan_rounds():
    return scan_rounds(SCAN_STEPS)


@register(
    "12.kv_cache_bytes",
    f"A Transformer decoder with {KV_LAYERS} layers and width {KV_WIDTH:,} keeps a key and a "
    f"value vector (float16, {KV_BYTES_PER_NUMBER} bytes per number) per layer for every "
    f"token it has seen. How many bytes of KV cache does it hold after {KV_TOKENS:,} tokens?",
    "Two vectors (key and value) of `width` numbers, per layer, per token: "
    "2 x layers x width x bytes per number x tokens.",
    idea="Section 7: what a decoder caches for every token it has seen, in every layer, and how "
    "many bytes one number of it takes here.",
)
def _ex_12_kv_cache_bytes():
    return kv_cache_bytes(KV_LAYERS, KV_WIDTH, KV_BYTES_PER_NUMBER, KV_TOKENS)


@register(
    "12.replica_batch",
    f"MirroredStrategy on {REPLICAS} GPUs trains with a global batch of {GLOBAL_BATCH}. "
    "How many sequences does each replica process per step?",
    "The global batch is split evenly between the replicas: global batch / replicas.",
    idea="Section 6: MirroredStrategy keeps one copy of the model per device; what share of "
    "each batch does a copy get?",
)
def _ex_12_replica_batch():
    if GLOBAL_BATCH % REPLICAS:
        raise ValueError(f"GLOBAL_BATCH={GLOBAL_BATCH} must divide evenly by REPLICAS={REPLICAS}.")
    return GLOBAL_BATCH // REPLICAS
