/**
 * The hosted services a learner's endpoint may belong to, by host name, so a sentence can name
 * the service ("Your OpenRouter credits have run out") where the provider type only says
 * "OpenAI-compatible". Brand names are not translated.
 */
const SERVICES: readonly (readonly [suffix: string, name: string])[] = [
  ['openrouter.ai', 'OpenRouter'],
  ['deepseek.com', 'DeepSeek'],
  ['api.openai.com', 'OpenAI'],
  ['api.anthropic.com', 'Anthropic'],
  ['api.mistral.ai', 'Mistral'],
  ['api.groq.com', 'Groq'],
  ['api.together.xyz', 'Together'],
  ['generativelanguage.googleapis.com', 'Google Gemini'],
  ['openai.azure.com', 'Azure OpenAI'],
  ['cognitiveservices.azure.com', 'Azure OpenAI'],
  ['services.ai.azure.com', 'Azure AI Foundry'],
];

/** The service's name when the host is one of the known ones (or a subdomain of one), else null. */
export function hostedServiceName(hostname: string): string | null {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  const found = SERVICES.find(([suffix]) => host === suffix || host.endsWith(`.${suffix}`));
  return found ? found[1] : null;
}
