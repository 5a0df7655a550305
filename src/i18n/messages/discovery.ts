/**
 * Discovery: server names, the notes on a finding, the remedy for each status that needs one,
 * exposure notes and advisory remedies, and the rules on remote hosts. `{kind}` is a server's display name and starts a sentence.
 */
import type { Catalogue } from '../types.js';

export const discoveryMessages: Catalogue = {
  en: {
    'discovery.kind.ollama': 'Ollama',
    'discovery.kind.llama.cpp': 'The llama.cpp server',
    'discovery.kind.lmstudio': 'LM Studio',
    'discovery.kind.vllm': 'vLLM',
    'discovery.kind.localai': 'LocalAI',
    'discovery.kind.koboldcpp': 'KoboldCpp',
    'discovery.kind.textgen-webui': 'text-generation-webui',
    'discovery.kind.jan': 'Jan',
    'discovery.kind.openai-compatible': 'This OpenAI-compatible server',
    'discovery.kind.server': 'This model server',

    'discovery.status.loading.remediation': '{kind} is still loading its model. Wait until it finishes, then scan again or test the profile.',
    'discovery.status.auth-required.remediation': "{kind} asks for an API key. Enter the server's key when you create the profile.",
    'discovery.status.already-configured.remediation': 'A saved profile already uses this server. Activate that profile to use it; there is no need to add another.',
    'discovery.status.conflict.remediation':
      'A saved profile at this address has the type {existingType}, but this server needs {providerType}. Change that profile’s type so tests work.',

    'discovery.note.consentRequired': 'This server is on another computer, so prompts would leave this device. A profile for it needs your consent.',
    'discovery.note.modelsNotListed': '{kind} did not list its models. Type the model name when you create the profile.',
    'discovery.note.noModels': '{kind} has no models yet. Download or load a model in it, then scan again.',
    'discovery.note.noModelLoaded': '{kind} has no model loaded right now. It loads one on the first request, which can take a while.',
    'discovery.note.stillLoading': '{kind} is still loading its model. Wait a moment before testing the profile.',
    'discovery.note.needsKey': '{kind} asks for an API key. Make sure the saved profile has the right key.',

    'discovery.exposure.open.ollama':
      'Ollama is reachable from other computers and has no password. Set OLLAMA_HOST=127.0.0.1 and restart it, or block port {port} in your firewall.',
    'discovery.exposure.open.llama.cpp': 'The llama.cpp server is reachable from other computers without a key. Start it with --host 127.0.0.1, or set --api-key.',
    'discovery.exposure.open.lmstudio': 'LM Studio is reachable from other computers without a key. Turn off “Serve on Local Network”, or turn on “Require Authentication”.',
    'discovery.exposure.open.vllm': 'vLLM is reachable from other computers without a key. Start it with --host 127.0.0.1, or set --api-key.',
    'discovery.exposure.open.koboldcpp': 'KoboldCpp is reachable from other computers without a password. Start it with --host 127.0.0.1, or set --password.',
    'discovery.exposure.open.textgen-webui': 'text-generation-webui is reachable from other computers without a key. Start it without --listen, or set --api-key.',
    'discovery.exposure.open.other': '{kind} is reachable from other computers without a key. Make it listen on 127.0.0.1 only, or block port {port} in your firewall.',
    'discovery.exposure.keyed': '{kind} is reachable from other computers, which must give its key. Keep the key secret, or make it listen on 127.0.0.1 only.',
    'discovery.advisory.remediation': '{kind} {version} has a known flaw ({id}). Update it to {fixedVersion} or later.',

    'rule.discovery.hostsRequired': 'A remote scan needs at least one computer to look at. Add its name or IP address to the hosts list.',
    'rule.discovery.hostForbidden': '{host} is a link-local, metadata or reserved address, which is never scanned. Enter the address of a computer on your network.',
    'rule.discovery.hostInvalid': '“{host}” is not a computer name or IP address. Use a form like gpu-box.local or 192.168.1.20, without a port.',
  },
  es: {
    'discovery.kind.ollama': 'Ollama',
    'discovery.kind.llama.cpp': 'El servidor de llama.cpp',
    'discovery.kind.lmstudio': 'LM Studio',
    'discovery.kind.vllm': 'vLLM',
    'discovery.kind.localai': 'LocalAI',
    'discovery.kind.koboldcpp': 'KoboldCpp',
    'discovery.kind.textgen-webui': 'text-generation-webui',
    'discovery.kind.jan': 'Jan',
    'discovery.kind.openai-compatible': 'Este servidor compatible con OpenAI',
    'discovery.kind.server': 'Este servidor de modelos',

    'discovery.status.loading.remediation': '{kind} todavía está cargando su modelo. Espera a que termine y vuelve a buscar o prueba el perfil.',
    'discovery.status.auth-required.remediation': '{kind} pide una clave de API. Escribe la clave del servidor al crear el perfil.',
    'discovery.status.already-configured.remediation': 'Un perfil guardado ya usa este servidor. Activa ese perfil para usarlo; no hace falta añadir otro.',
    'discovery.status.conflict.remediation':
      'Un perfil guardado en esta dirección es del tipo {existingType}, pero este servidor necesita {providerType}. Cambia el tipo de ese perfil para que las pruebas funcionen.',

    'discovery.note.consentRequired': 'Este servidor está en otro ordenador, así que las peticiones saldrían de este equipo. Un perfil para él necesita tu consentimiento.',
    'discovery.note.modelsNotListed': '{kind} no indicó sus modelos. Escribe el nombre del modelo al crear el perfil.',
    'discovery.note.noModels': '{kind} aún no tiene modelos. Descarga o carga un modelo en él y vuelve a buscar.',
    'discovery.note.noModelLoaded': '{kind} no tiene ningún modelo cargado ahora. Cargará uno con la primera petición, lo que puede tardar un poco.',
    'discovery.note.stillLoading': '{kind} todavía está cargando su modelo. Espera un momento antes de probar el perfil.',
    'discovery.note.needsKey': '{kind} pide una clave de API. Comprueba que el perfil guardado tiene la clave correcta.',

    'discovery.exposure.open.ollama':
      'Otros ordenadores pueden llegar a Ollama, y no tiene contraseña. Pon OLLAMA_HOST=127.0.0.1 y reinícialo, o bloquea el puerto {port} en tu cortafuegos.',
    'discovery.exposure.open.llama.cpp': 'Otros ordenadores pueden llegar al servidor de llama.cpp sin clave. Inícialo con --host 127.0.0.1 o ponle --api-key.',
    'discovery.exposure.open.lmstudio': 'Otros ordenadores pueden llegar a LM Studio sin clave. Desactiva «Serve on Local Network» o activa «Require Authentication».',
    'discovery.exposure.open.vllm': 'Otros ordenadores pueden llegar a vLLM sin clave. Inícialo con --host 127.0.0.1 o ponle --api-key.',
    'discovery.exposure.open.koboldcpp': 'Otros ordenadores pueden llegar a KoboldCpp sin contraseña. Inícialo con --host 127.0.0.1 o ponle --password.',
    'discovery.exposure.open.textgen-webui': 'Otros ordenadores pueden llegar a text-generation-webui sin clave. Inícialo sin --listen o ponle --api-key.',
    'discovery.exposure.open.other': '{kind} está accesible desde otros ordenadores sin clave. Haz que escuche solo en 127.0.0.1 o bloquea el puerto {port} en tu cortafuegos.',
    'discovery.exposure.keyed': '{kind} está accesible desde otros ordenadores, que deben dar su clave. Guarda la clave en secreto o haz que escuche solo en 127.0.0.1.',
    'discovery.advisory.remediation': '{kind} {version} tiene un fallo conocido ({id}). Actualízalo a la versión {fixedVersion} o posterior.',

    'rule.discovery.hostsRequired': 'Una búsqueda remota necesita al menos un ordenador. Añade su nombre o dirección IP a la lista de hosts.',
    'rule.discovery.hostForbidden': '{host} es una dirección de enlace local, de metadatos o reservada, que nunca se examina. Escribe la dirección de un ordenador de tu red.',
    'rule.discovery.hostInvalid': '«{host}» no es un nombre de ordenador ni una dirección IP. Usa una forma como gpu-box.local o 192.168.1.20, sin puerto.',
  },
};
