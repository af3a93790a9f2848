#!/usr/bin/env python3
"""A real TRAIN_CMD for Lumina's trainer: LoRA fine-tuning with Hugging Face PEFT, then conversion of
the adapter to llama.cpp's GGUF format so that the rag-worker can hot-swap it onto its GGUF model.

    pip install torch transformers peft datasets huggingface_hub
    git clone https://github.com/ggml-org/llama.cpp && pip install -r llama.cpp/requirements.txt
    TRAIN_CMD="python3 ops/training/train-lora-peft.py --dataset {dataset} --output {output} --lr {lr} --epochs {epochs}"

The base model must be the Hugging Face original of the GGUF the rag-worker serves (microsoft/phi-2
for phi-2.Q4_K_M.gguf). Prompts are rendered in the rag-worker's phi2 format (libs/llm
prompt-format.ts), so the adapter learns the format it is served with. Not run in Lumina's CI: it
needs the model weights and a Python ML stack (docs/autonomy.md).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--dataset", required=True, help="chat-format JSONL written by the trainer")
parser.add_argument("--output", required=True, help="where the GGUF LoRA adapter goes")
parser.add_argument("--lr", type=float, default=1e-4)
parser.add_argument("--epochs", type=int, default=1)
parser.add_argument("--rank", type=int, default=8)
parser.add_argument("--hf-model", default=os.environ.get("LUMINA_HF_MODEL", "microsoft/phi-2"))
parser.add_argument("--llama-cpp", default=os.environ.get("LLAMA_CPP_DIR", "llama.cpp"))
args = parser.parse_args()

import torch  # noqa: E402  (imported after argument parsing so that --help works without them)
from datasets import Dataset  # noqa: E402
from huggingface_hub import snapshot_download  # noqa: E402
from peft import LoraConfig, get_peft_model  # noqa: E402
from transformers import (  # noqa: E402
    AutoModelForCausalLM,
    AutoTokenizer,
    DataCollatorForLanguageModeling,
    Trainer,
    TrainingArguments,
)


def render(messages):
    """The rag-worker's phi2 format: system text, then Instruct:/Output: turns."""
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    turns = "".join(
        f"Instruct: {m['content']}\n" if m["role"] == "user" else f"Output: {m['content']}\n"
        for m in messages
        if m["role"] != "system"
    )
    return (system + "\n\n" if system else "") + turns


with open(args.dataset, encoding="utf-8") as f:
    rows = [json.loads(line) for line in f if line.strip()]
print(f"{len(rows)} samples from {args.dataset}", flush=True)

base_dir = snapshot_download(args.hf_model)
tokenizer = AutoTokenizer.from_pretrained(base_dir)
tokenizer.pad_token = tokenizer.pad_token or tokenizer.eos_token
model = AutoModelForCausalLM.from_pretrained(base_dir, torch_dtype=torch.float32)
model = get_peft_model(
    model,
    LoraConfig(
        r=args.rank,
        lora_alpha=2 * args.rank,
        lora_dropout=0.05,
        target_modules=["q_proj", "k_proj", "v_proj", "dense"],
        task_type="CAUSAL_LM",
    ),
)
texts = Dataset.from_list([{"text": render(r["messages"])} for r in rows])
tokens = texts.map(lambda b: tokenizer(b["text"], truncation=True, max_length=1024), batched=True, remove_columns=["text"])

with tempfile.TemporaryDirectory() as work:
    Trainer(
        model=model,
        args=TrainingArguments(
            output_dir=work,
            learning_rate=args.lr,
            num_train_epochs=args.epochs,
            per_device_train_batch_size=1,
            gradient_accumulation_steps=4,
            logging_steps=1,
            save_strategy="no",
            report_to=[],
        ),
        train_dataset=tokens,
        data_collator=DataCollatorForLanguageModeling(tokenizer, mlm=False),
    ).train()
    adapter_dir = os.path.join(work, "adapter")
    model.save_pretrained(adapter_dir)
    convert = os.path.join(args.llama_cpp, "convert_lora_to_gguf.py")
    subprocess.run(
        [sys.executable, convert, "--base", base_dir, "--outfile", args.output, "--outtype", "f16", adapter_dir],
        check=True,
    )
print(f"wrote {args.output}", flush=True)
