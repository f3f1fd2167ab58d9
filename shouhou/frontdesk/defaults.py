"""The seed's language guidance (seed 000 三.1 and 三.2), copied into each organisation."""

FORBIDDEN = [
    "我想*",
    "我认为*",
    "我不知道",
    "这个我们不负责",
    "你自己解决",
    "我们只负责*，其他概不负责",
]
PREFERRED = [
    "对不起，我不太清楚，我帮您问一下，随后给您答复",
    "我尽量*",
    "我会尽快想办法，您不要着急",
    "您看这样行吗？",
    "我建议您*",
]
