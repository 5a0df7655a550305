/** The OpenAI chat-completion success body that llama.cpp, Azure and OpenAI-compatible servers share. */
export function chatCompletion(model: string, reply: string, usage: { prompt: number; completion: number }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'chatcmpl-emulated',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: reply } }],
    usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion },
    ...extra,
  };
}
