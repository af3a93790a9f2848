import { parseArgs } from "node:util";

interface Answer {
  answer: string;
  confidence: number;
  model: string;
  sources: { id: string; title: string; url: string }[];
}

/**
 * `lumina ask "<question>"`: POST /chat on the rag-worker (CHAT_URL, or 127.0.0.1:CHAT_PORT) and print
 * the answer, its confidence and its sources. Exit codes: 0 answered, 64 no question, 69 the API
 * cannot be reached, 1 the API answered with an error.
 */
export async function ask(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: "boolean" }, session: { type: "string" }, user: { type: "string" } },
  });
  const query = positionals.join(" ").trim();
  if (!query) {
    process.stderr.write('lumina ask: give a question, e.g. lumina ask "What is Bodmin?"\n');
    return 64;
  }
  const base = env.CHAT_URL || `http://127.0.0.1:${env.CHAT_PORT || 8000}`;
  let res: Response;
  try {
    res = await fetch(`${base}/chat`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(env.LUMINA_API_KEY ? { authorization: `Bearer ${env.LUMINA_API_KEY}` } : {}),
      },
      body: JSON.stringify({
        query,
        session: values.session ?? "cli",
        ...(values.user ? { user: values.user } : {}),
      }),
    });
  } catch (err) {
    process.stderr.write(
      `lumina ask: cannot reach the chat API at ${base} (${String(err)}); is \`npm start\` running?\n`,
    );
    return 69;
  }
  const body = (await res.json()) as Answer & { error?: { code: string; message: string } };
  if (!res.ok) {
    process.stderr.write(`lumina ask: ${res.status} ${body.error?.code}: ${body.error?.message}\n`);
    return 1;
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(`${body.answer}\n\nconfidence ${body.confidence.toFixed(2)} · ${body.model}\n`);
  body.sources.forEach((s, i) => process.stdout.write(`[${i + 1}] ${s.title} — ${s.url} (chunk ${s.id})\n`));
  return 0;
}
