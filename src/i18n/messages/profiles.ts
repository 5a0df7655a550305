/**
 * Words a profile is described with: provider display names, where it runs, and the short
 * label and description a screen reader announces. Em dashes separate the label's parts
 * because screen readers pause on them without reading a symbol aloud.
 */
import type { Catalogue } from '../types.js';

export const profileMessages: Catalogue = {
  en: {
    'provider.llama.cpp': 'llama.cpp',
    'provider.ollama': 'Ollama',
    'provider.azure': 'Azure OpenAI',
    'provider.custom': 'OpenAI-compatible server',
    'provider.anthropic': 'Anthropic',

    'locality.this-device': 'runs on this computer',
    'locality.local-network': 'runs on your local network',
    'locality.internet': 'runs on the internet',

    'a11y.status.active': 'active',
    'a11y.status.inactive': 'inactive',
    'a11y.label': '{name} — {status} — {locality}',
    'a11y.description': '{provider} at {host}. {keyState} {consentState}',
    'a11y.key.saved': 'API key saved.',
    'a11y.key.none': 'No API key.',
    'a11y.consent.given': 'Agreed to send prompts off this computer on {date}.',
    'a11y.consent.notNeeded': 'No agreement needed.',
  },
  es: {
    'provider.llama.cpp': 'llama.cpp',
    'provider.ollama': 'Ollama',
    'provider.azure': 'Azure OpenAI',
    'provider.custom': 'Servidor compatible con OpenAI',
    'provider.anthropic': 'Anthropic',

    'locality.this-device': 'se ejecuta en este equipo',
    'locality.local-network': 'se ejecuta en tu red local',
    'locality.internet': 'se ejecuta en internet',

    'a11y.status.active': 'activo',
    'a11y.status.inactive': 'inactivo',
    'a11y.label': '{name} — {status} — {locality}',
    'a11y.description': '{provider} en {host}. {keyState} {consentState}',
    'a11y.key.saved': 'Clave de API guardada.',
    'a11y.key.none': 'Sin clave de API.',
    'a11y.consent.given': 'Se aceptó enviar mensajes fuera de este equipo el {date}.',
    'a11y.consent.notNeeded': 'No hace falta aceptación.',
  },
};
