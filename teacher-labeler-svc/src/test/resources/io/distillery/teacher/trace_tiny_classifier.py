"""Traces a tiny Hugging Face-like sequence classifier to TorchScript, as a user would export a
fine-tuned BertForSequenceClassification, and records its logits for given token ids.

usage: trace_tiny_classifier.py OUT_DIR IDS_FILE
  IDS_FILE: one tokenized text per line, ids separated by spaces
  writes OUT_DIR/model.pt and OUT_DIR/expected_logits.txt (one line of logits per text, each
  text run alone, unpadded: the Java side must reproduce them from padded ragged batches)
"""
import sys

import torch


class Layer(torch.nn.Module):
    """One post-norm BERT encoder layer with HF's additive attention mask."""

    def __init__(self, hidden, heads):
        super().__init__()
        self.heads = heads
        self.qkv = torch.nn.Linear(hidden, 3 * hidden)
        self.out = torch.nn.Linear(hidden, hidden)
        self.norm1 = torch.nn.LayerNorm(hidden)
        self.ffn = torch.nn.Sequential(torch.nn.Linear(hidden, 4 * hidden), torch.nn.GELU(),
                                       torch.nn.Linear(4 * hidden, hidden))
        self.norm2 = torch.nn.LayerNorm(hidden)

    def forward(self, x, mask_bias):
        batch, length, hidden = x.shape
        q, k, v = self.qkv(x).view(batch, length, 3, self.heads, hidden // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        scores = q @ k.transpose(-1, -2) / (hidden // self.heads) ** 0.5 + mask_bias
        context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(batch, length, hidden)
        x = self.norm1(x + self.out(context))
        return self.norm2(x + self.ffn(x))


class TinyClassifier(torch.nn.Module):
    """Embeddings, two encoder layers, a tanh pooler on [CLS], a classifier: BERT's shape, tiny."""

    def __init__(self, vocab=30522, hidden=32, heads=4, layers=2, max_positions=512, labels=2):
        super().__init__()
        self.word = torch.nn.Embedding(vocab, hidden)
        self.position = torch.nn.Embedding(max_positions, hidden)
        self.register_buffer("position_ids", torch.arange(max_positions).unsqueeze(0))
        self.norm = torch.nn.LayerNorm(hidden)
        self.layers = torch.nn.ModuleList([Layer(hidden, heads) for _ in range(layers)])
        self.pooler = torch.nn.Linear(hidden, hidden)
        self.classifier = torch.nn.Linear(hidden, labels)

    def forward(self, input_ids, attention_mask):
        positions = self.position_ids[:, : input_ids.shape[1]]
        x = self.norm(self.word(input_ids) + self.position(positions))
        mask_bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in self.layers:
            x = layer(x, mask_bias)
        # A tuple, as an HF model exported with return_dict=False returns.
        return (self.classifier(torch.tanh(self.pooler(x[:, 0]))),)


def main(out_dir, ids_file):
    torch.manual_seed(0)
    model = TinyClassifier().eval()
    with open(ids_file) as f:
        texts = [[int(t) for t in line.split()] for line in f if line.strip()]
    example = (torch.tensor([[101, 2204, 102], [101, 2919, 102]]), torch.ones(2, 3, dtype=torch.long))
    # torch 1.13's trace check fails outside no_grad.
    with torch.no_grad():
        traced = torch.jit.trace(model, example)
        traced.save(out_dir + "/model.pt")
        with open(out_dir + "/expected_logits.txt", "w") as out:
            for ids in texts:
                input_ids = torch.tensor([ids])
                logits = model(input_ids, torch.ones_like(input_ids))[0][0]
                out.write(" ".join(repr(float(v)) for v in logits) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
