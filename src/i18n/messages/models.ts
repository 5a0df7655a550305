/**
 * What a model list tells the learner beyond the test outcome texts it shares (failures use
 * `outcome.<CODE>...`): how many models, an empty list, a provider that cannot list, and the
 * notes a list may carry. Placeholders: {count} {model}.
 */
import type { Catalogue } from '../types.js';

export const modelMessages: Catalogue = {
  en: {
    'models.success.userMessage': 'The server lists {count} models.',
    'models.success.one.userMessage': 'The server lists 1 model.',
    'models.none.userMessage': 'The server answered, but lists no models it can chat with.',
    'models.none.remediation': 'Load or download a model on the server, then load the list again.',
    'models.none.ollama.remediation': "Download a model, for example with 'ollama pull llama3.2', then load the list again.",
    'models.none.llama.cpp.remediation': 'Start the llama.cpp server with a model file (-m), then load the list again.',
    'models.LISTING_NOT_SUPPORTED.azure.userMessage': "Azure does not let an API key list a resource's deployments.",
    'models.LISTING_NOT_SUPPORTED.azure.remediation': "Type the deployment name from the Azure portal (the resource's Deployments page).",
    'models.note.selectedMissing': "The model this profile uses, '{model}', is not on the server any more. Pick one from the list.",
    'models.note.truncated': 'The server offers more models than can be shown; only the first {count} are listed.',
    'models.note.filtered': '{count} models that cannot chat (embeddings, speech, images) are not shown.',
    'models.note.keyNotChecked': 'This server lists its models without checking the API key; a test prompt checks it.',
  },
  es: {
    'models.success.userMessage': 'El servidor ofrece {count} modelos.',
    'models.success.one.userMessage': 'El servidor ofrece 1 modelo.',
    'models.none.userMessage': 'El servidor respondió, pero no ofrece ningún modelo de chat.',
    'models.none.remediation': 'Carga o descarga un modelo en el servidor y vuelve a cargar la lista.',
    'models.none.ollama.remediation': "Descarga un modelo, por ejemplo con 'ollama pull llama3.2', y vuelve a cargar la lista.",
    'models.none.llama.cpp.remediation': 'Inicia el servidor de llama.cpp con un archivo de modelo (-m) y vuelve a cargar la lista.',
    'models.LISTING_NOT_SUPPORTED.azure.userMessage': 'Azure no permite que una clave de API liste las implementaciones de un recurso.',
    'models.LISTING_NOT_SUPPORTED.azure.remediation': 'Escribe el nombre de la implementación que aparece en el portal de Azure (página Implementaciones del recurso).',
    'models.note.selectedMissing': "El modelo que usa este perfil, '{model}', ya no está en el servidor. Elige uno de la lista.",
    'models.note.truncated': 'El servidor ofrece más modelos de los que caben; solo se muestran los {count} primeros.',
    'models.note.filtered': 'No se muestran {count} modelos que no sirven para chatear (embeddings, voz, imágenes).',
    'models.note.keyNotChecked': 'Este servidor lista sus modelos sin comprobar la clave de API; una prueba la comprueba.',
  },
};
