/**
 * What a test prompt's outcome tells the learner: what happened and what to do, for every
 * outcome error code, with provider-specific variants where they say more, and the notes an
 * outcome may carry. Keys are `outcome.<CODE>[.<providerType>][.<variant>].<field>`; a
 * `.fallback` key stands in when the general text's placeholder has no value.
 * `{provider}` starts a sentence (`outcome.provider.<type>`: "The server", "Ollama").
 * Placeholders: {provider} {host} {hostname} {model} {seconds} {retryAfterSeconds} {limitKb} {status} {code}.
 */
import type { Catalogue } from '../types.js';

export const outcomeMessages: Catalogue = {
  en: {
    'outcome.success.userMessage': 'The model answered.',

    'outcome.provider.llama.cpp': 'The llama.cpp server',
    'outcome.provider.ollama': 'Ollama',
    'outcome.provider.azure': 'Azure OpenAI',
    'outcome.provider.custom': 'The server',
    'outcome.provider.anthropic': 'Anthropic',

    'outcome.TIMEOUT.userMessage': 'The provider did not answer in time (waited {seconds} s).',
    'outcome.TIMEOUT.remediation': 'Try again, or allow more time: the first answer after a model loads can be slow.',
    'outcome.TIMEOUT.provider.userMessage': '{provider} stopped waiting for the test request to finish.',
    'outcome.TIMEOUT.provider.remediation': 'Try again in a moment.',

    'outcome.NETWORK_ERROR.userMessage': 'The connection to {host} broke before an answer arrived.',
    'outcome.NETWORK_ERROR.remediation': 'Check that the server is running and reachable from this computer, then try again.',
    'outcome.NETWORK_ERROR.refused.userMessage': 'Nothing is accepting connections at {host}.',
    'outcome.NETWORK_ERROR.refused.remediation': 'Start the model server, or check the address and port in this profile.',
    'outcome.NETWORK_ERROR.ollama.refused.userMessage': 'Ollama is not running at {host}.',
    'outcome.NETWORK_ERROR.ollama.refused.remediation': "Start Ollama (open the app or run 'ollama serve'), then test again.",
    'outcome.NETWORK_ERROR.llama.cpp.refused.userMessage': 'No llama.cpp server is running at {host}.',
    'outcome.NETWORK_ERROR.llama.cpp.refused.remediation': 'Start the llama.cpp server with your model, or check the port in this profile.',
    'outcome.NETWORK_ERROR.cancelled.userMessage': 'The test was cancelled before the provider answered.',
    'outcome.NETWORK_ERROR.cancelled.remediation': 'Run the test again when you are ready.',

    'outcome.DNS_ERROR.userMessage': 'The address {hostname} could not be found.',
    'outcome.DNS_ERROR.remediation': 'Check the spelling of the address and that this computer is online.',

    'outcome.TLS_ERROR.userMessage': 'The secure connection to {host} failed because its certificate is not trusted.',
    'outcome.TLS_ERROR.remediation': "Check that the address is the provider's real one. A server on this computer may need http instead of https.",

    'outcome.PROVIDER_UNAUTHORIZED.userMessage': '{provider} refused the API key.',
    'outcome.PROVIDER_UNAUTHORIZED.remediation': 'Check that the API key in this profile is complete and still active, then save it again.',
    'outcome.PROVIDER_UNAUTHORIZED.noKey.userMessage': '{provider} needs an API key, and this profile has none.',
    'outcome.PROVIDER_UNAUTHORIZED.noKey.remediation': 'Add the API key to this profile, then test again.',
    'outcome.PROVIDER_UNAUTHORIZED.azure.userMessage': 'Azure refused the API key for this resource.',
    'outcome.PROVIDER_UNAUTHORIZED.azure.remediation': "Copy Key 1 or Key 2 from the resource's Keys and Endpoint page in the Azure portal into this profile.",
    'outcome.PROVIDER_UNAUTHORIZED.anthropic.remediation': 'Create a key in the Anthropic Console, then paste it into this profile.',
    'outcome.PROVIDER_UNAUTHORIZED.llama.cpp.remediation': 'Use the same key the llama.cpp server was started with.',

    'outcome.PROVIDER_FORBIDDEN.userMessage': '{provider} accepted the key but does not allow this request.',
    'outcome.PROVIDER_FORBIDDEN.remediation': 'Check that the key or account may use this model, and that your region or network is allowed.',

    'outcome.MODEL_NOT_FOUND.userMessage': "The server has no model named '{model}'.",
    'outcome.MODEL_NOT_FOUND.remediation': "Check the model name: the server's list of models shows the exact names.",
    'outcome.MODEL_NOT_FOUND.fallback.userMessage': 'The server does not have the model that was asked for.',
    'outcome.MODEL_NOT_FOUND.azure.userMessage': "Azure has no deployment named '{model}' — check the deployment name, not the model name.",
    'outcome.MODEL_NOT_FOUND.azure.remediation': "In the Azure portal, open the resource's deployments and copy the deployment name exactly.",
    'outcome.MODEL_NOT_FOUND.azure.noDeployment.userMessage': 'This Azure profile names no deployment, so there is nothing to test.',
    'outcome.MODEL_NOT_FOUND.azure.noDeployment.remediation': 'Enter the deployment name from the Azure portal as the model of this profile.',
    'outcome.MODEL_NOT_FOUND.ollama.userMessage': "Ollama has no model named '{model}' on this computer.",
    'outcome.MODEL_NOT_FOUND.ollama.remediation': "Run 'ollama pull {model}' in a terminal, or choose a model that is already installed.",
    'outcome.MODEL_NOT_FOUND.ollama.noneInstalled.userMessage': 'Ollama is running but has no models installed yet.',
    'outcome.MODEL_NOT_FOUND.ollama.noneInstalled.remediation': "Run 'ollama pull llama3.2' in a terminal to install one, then test again.",
    'outcome.MODEL_NOT_FOUND.anthropic.userMessage': "Anthropic has no model named '{model}', or this key cannot use it.",
    'outcome.MODEL_NOT_FOUND.anthropic.remediation': "Check the model name against Anthropic's list of models, for example 'claude-haiku-4-5'.",

    'outcome.MODEL_LOADING.userMessage': 'The model is still loading; try again in a few seconds.',
    'outcome.MODEL_LOADING.remediation': 'Wait until the server has finished loading the model, then test again.',
    'outcome.MODEL_LOADING.llama.cpp.userMessage': 'The model is still loading on llama.cpp; try again in a few seconds.',

    'outcome.RATE_LIMITED.userMessage': '{provider} is receiving too many requests from this account right now.',
    'outcome.RATE_LIMITED.remediation': 'Wait about {retryAfterSeconds} seconds, then try again.',
    'outcome.RATE_LIMITED.fallback.remediation': 'Wait a minute, then try again.',

    'outcome.QUOTA_EXHAUSTED.userMessage': 'The account behind this API key has run out of credit or reached its spending limit.',
    'outcome.QUOTA_EXHAUSTED.remediation': "Add credit or raise the limit in the provider's billing settings, then test again.",

    'outcome.PROVIDER_ERROR.userMessage': '{provider} reported a problem and did not answer.',
    'outcome.PROVIDER_ERROR.remediation': "Check the profile's model and address. If it keeps happening, try again later.",
    'outcome.PROVIDER_ERROR.server.userMessage': '{provider} had a problem on its side (status {status}).',
    'outcome.PROVIDER_ERROR.server.remediation': "Try again in a moment. If it keeps happening, check the provider's status page.",
    'outcome.PROVIDER_ERROR.request.userMessage': '{provider} could not accept the test request (status {status}).',
    'outcome.PROVIDER_ERROR.request.remediation': 'Check the model name and the provider type chosen for this profile.',
    'outcome.PROVIDER_ERROR.notFound.userMessage': 'The server has no chat service at this address.',
    'outcome.PROVIDER_ERROR.notFound.remediation': 'Check the endpoint address and the provider type. OpenAI-compatible servers usually end in /v1.',
    'outcome.PROVIDER_ERROR.anthropic.overloaded.userMessage': 'Anthropic is overloaded right now.',
    'outcome.PROVIDER_ERROR.anthropic.overloaded.remediation': 'Try again in a minute.',
    'outcome.PROVIDER_ERROR.ollama.memory.userMessage': 'This computer does not have enough free memory to load the model.',
    'outcome.PROVIDER_ERROR.ollama.memory.remediation': 'Close other programs or choose a smaller model, then test again.',
    'outcome.PROVIDER_ERROR.azure.contentFilter.userMessage': "Azure's content filter blocked the test prompt.",
    'outcome.PROVIDER_ERROR.azure.contentFilter.remediation': "Try a different prompt, or check the deployment's content filter settings.",

    'outcome.INVALID_RESPONSE.userMessage': 'The server answered, but not in the format this provider type uses.',
    'outcome.INVALID_RESPONSE.remediation': 'Check that the provider type matches the server and that the endpoint address is right.',
    'outcome.INVALID_RESPONSE.tooLarge.userMessage': 'The answer was larger than {limitKb} KB, so it was cut off and not read.',
    'outcome.INVALID_RESPONSE.tooLarge.remediation': 'Check that the endpoint address points at a model server, not a web page or a file.',
    'outcome.INVALID_RESPONSE.errorBody.userMessage': 'The server answered with an error instead of a reply.',
    'outcome.INVALID_RESPONSE.errorBody.remediation': 'Check that a model is loaded in the server and that the address and model name are right.',
    'outcome.INVALID_RESPONSE.noAnswer.userMessage': 'The server answered without any text from the model.',
    'outcome.INVALID_RESPONSE.noAnswer.remediation': 'Check that a chat model is loaded in the server, then test again.',

    'outcome.REDIRECT_REFUSED.userMessage': 'The server tried to send the request to another address, which is refused to keep your key safe.',
    'outcome.REDIRECT_REFUSED.remediation': "Use the provider's final address as the endpoint, for example with https instead of http.",

    'outcome.ADDRESS_NOT_ALLOWED.userMessage': 'The address {hostname} leads to a network location this profile may not reach.',
    'outcome.ADDRESS_NOT_ALLOWED.remediation': "Use the provider's public address, or save the profile again with the address you mean to use.",

    'outcome.note.firstInstalledModel': "No model was named, so the test used '{model}', the first one installed.",
    'outcome.note.firstListedModel': "No model was named, so the test used '{model}', the first one the server lists.",
    'outcome.note.defaultModel': "No model was named, so the test used '{model}'.",
    'outcome.note.v1Added': "The address had no path, so '/v1' was added, as OpenAI-compatible servers expect.",
    'outcome.note.emptyAnswer': 'The model answered, but with no text.',
    'outcome.note.providerCode': "The provider's error code was '{code}'.",
  },
  es: {
    'outcome.success.userMessage': 'El modelo respondió.',

    'outcome.provider.llama.cpp': 'El servidor llama.cpp',
    'outcome.provider.ollama': 'Ollama',
    'outcome.provider.azure': 'Azure OpenAI',
    'outcome.provider.custom': 'El servidor',
    'outcome.provider.anthropic': 'Anthropic',

    'outcome.TIMEOUT.userMessage': 'El proveedor no respondió a tiempo (se esperó {seconds} s).',
    'outcome.TIMEOUT.remediation': 'Vuelve a intentarlo o da más tiempo: la primera respuesta tras cargar un modelo puede tardar.',
    'outcome.TIMEOUT.provider.userMessage': '{provider} dejó de esperar a que terminara la solicitud de prueba.',
    'outcome.TIMEOUT.provider.remediation': 'Vuelve a intentarlo en un momento.',

    'outcome.NETWORK_ERROR.userMessage': 'La conexión con {host} se cortó antes de que llegara una respuesta.',
    'outcome.NETWORK_ERROR.remediation': 'Comprueba que el servidor está en marcha y se puede alcanzar desde este equipo, y vuelve a intentarlo.',
    'outcome.NETWORK_ERROR.refused.userMessage': 'Nada acepta conexiones en {host}.',
    'outcome.NETWORK_ERROR.refused.remediation': 'Inicia el servidor del modelo o revisa la dirección y el puerto de este perfil.',
    'outcome.NETWORK_ERROR.ollama.refused.userMessage': 'Ollama no está en marcha en {host}.',
    'outcome.NETWORK_ERROR.ollama.refused.remediation': "Inicia Ollama (abre la aplicación o ejecuta 'ollama serve') y vuelve a probar.",
    'outcome.NETWORK_ERROR.llama.cpp.refused.userMessage': 'No hay ningún servidor llama.cpp en marcha en {host}.',
    'outcome.NETWORK_ERROR.llama.cpp.refused.remediation': 'Inicia el servidor llama.cpp con tu modelo o revisa el puerto de este perfil.',
    'outcome.NETWORK_ERROR.cancelled.userMessage': 'La prueba se canceló antes de que el proveedor respondiera.',
    'outcome.NETWORK_ERROR.cancelled.remediation': 'Vuelve a lanzar la prueba cuando quieras.',

    'outcome.DNS_ERROR.userMessage': 'No se encontró la dirección {hostname}.',
    'outcome.DNS_ERROR.remediation': 'Revisa cómo está escrita la dirección y que este equipo tiene conexión a internet.',

    'outcome.TLS_ERROR.userMessage': 'La conexión segura con {host} falló porque su certificado no es de confianza.',
    'outcome.TLS_ERROR.remediation': 'Comprueba que la dirección es la auténtica del proveedor. Un servidor en este equipo puede necesitar http en lugar de https.',

    'outcome.PROVIDER_UNAUTHORIZED.userMessage': '{provider} rechazó la clave de API.',
    'outcome.PROVIDER_UNAUTHORIZED.remediation': 'Comprueba que la clave de API de este perfil está completa y sigue activa, y vuelve a guardarla.',
    'outcome.PROVIDER_UNAUTHORIZED.noKey.userMessage': '{provider} necesita una clave de API y este perfil no tiene ninguna.',
    'outcome.PROVIDER_UNAUTHORIZED.noKey.remediation': 'Añade la clave de API a este perfil y vuelve a probar.',
    'outcome.PROVIDER_UNAUTHORIZED.azure.userMessage': 'Azure rechazó la clave de API de este recurso.',
    'outcome.PROVIDER_UNAUTHORIZED.azure.remediation': 'Copia la clave 1 o la clave 2 de la página Claves y punto de conexión del recurso en el portal de Azure.',
    'outcome.PROVIDER_UNAUTHORIZED.anthropic.remediation': 'Crea una clave en la consola de Anthropic y pégala en este perfil.',
    'outcome.PROVIDER_UNAUTHORIZED.llama.cpp.remediation': 'Usa la misma clave con la que se inició el servidor llama.cpp.',

    'outcome.PROVIDER_FORBIDDEN.userMessage': '{provider} aceptó la clave, pero no permite esta solicitud.',
    'outcome.PROVIDER_FORBIDDEN.remediation': 'Comprueba que la clave o la cuenta pueden usar este modelo y que tu región o red están permitidas.',

    'outcome.MODEL_NOT_FOUND.userMessage': "El servidor no tiene ningún modelo llamado '{model}'.",
    'outcome.MODEL_NOT_FOUND.remediation': 'Revisa el nombre del modelo: la lista de modelos del servidor muestra los nombres exactos.',
    'outcome.MODEL_NOT_FOUND.fallback.userMessage': 'El servidor no tiene el modelo que se pidió.',
    'outcome.MODEL_NOT_FOUND.azure.userMessage': "Azure no tiene ninguna implementación llamada '{model}': revisa el nombre de la implementación, no el del modelo.",
    'outcome.MODEL_NOT_FOUND.azure.remediation': 'En el portal de Azure, abre las implementaciones del recurso y copia el nombre exacto de la implementación.',
    'outcome.MODEL_NOT_FOUND.azure.noDeployment.userMessage': 'Este perfil de Azure no indica ninguna implementación, así que no hay nada que probar.',
    'outcome.MODEL_NOT_FOUND.azure.noDeployment.remediation': 'Escribe como modelo de este perfil el nombre de la implementación que aparece en el portal de Azure.',
    'outcome.MODEL_NOT_FOUND.ollama.userMessage': "Ollama no tiene ningún modelo llamado '{model}' en este equipo.",
    'outcome.MODEL_NOT_FOUND.ollama.remediation': "Ejecuta 'ollama pull {model}' en una terminal o elige un modelo que ya esté instalado.",
    'outcome.MODEL_NOT_FOUND.ollama.noneInstalled.userMessage': 'Ollama está en marcha, pero todavía no tiene ningún modelo instalado.',
    'outcome.MODEL_NOT_FOUND.ollama.noneInstalled.remediation': "Ejecuta 'ollama pull llama3.2' en una terminal para instalar uno y vuelve a probar.",
    'outcome.MODEL_NOT_FOUND.anthropic.userMessage': "Anthropic no tiene ningún modelo llamado '{model}', o esta clave no puede usarlo.",
    'outcome.MODEL_NOT_FOUND.anthropic.remediation': "Compara el nombre con la lista de modelos de Anthropic, por ejemplo 'claude-haiku-4-5'.",

    'outcome.MODEL_LOADING.userMessage': 'El modelo todavía se está cargando; vuelve a intentarlo en unos segundos.',
    'outcome.MODEL_LOADING.remediation': 'Espera a que el servidor termine de cargar el modelo y vuelve a probar.',
    'outcome.MODEL_LOADING.llama.cpp.userMessage': 'El modelo todavía se está cargando en llama.cpp; vuelve a intentarlo en unos segundos.',

    'outcome.RATE_LIMITED.userMessage': '{provider} está recibiendo demasiadas solicitudes de esta cuenta en este momento.',
    'outcome.RATE_LIMITED.remediation': 'Espera unos {retryAfterSeconds} segundos y vuelve a intentarlo.',
    'outcome.RATE_LIMITED.fallback.remediation': 'Espera un minuto y vuelve a intentarlo.',

    'outcome.QUOTA_EXHAUSTED.userMessage': 'La cuenta de esta clave de API se ha quedado sin crédito o ha alcanzado su límite de gasto.',
    'outcome.QUOTA_EXHAUSTED.remediation': 'Añade crédito o sube el límite en la configuración de facturación del proveedor y vuelve a probar.',

    'outcome.PROVIDER_ERROR.userMessage': '{provider} informó de un problema y no respondió.',
    'outcome.PROVIDER_ERROR.remediation': 'Revisa el modelo y la dirección del perfil. Si sigue pasando, inténtalo más tarde.',
    'outcome.PROVIDER_ERROR.server.userMessage': '{provider} tuvo un problema por su parte (estado {status}).',
    'outcome.PROVIDER_ERROR.server.remediation': 'Vuelve a intentarlo en un momento. Si sigue pasando, consulta la página de estado del proveedor.',
    'outcome.PROVIDER_ERROR.request.userMessage': '{provider} no pudo aceptar la solicitud de prueba (estado {status}).',
    'outcome.PROVIDER_ERROR.request.remediation': 'Revisa el nombre del modelo y el tipo de proveedor elegido para este perfil.',
    'outcome.PROVIDER_ERROR.notFound.userMessage': 'El servidor no ofrece un servicio de chat en esta dirección.',
    'outcome.PROVIDER_ERROR.notFound.remediation': 'Revisa la dirección y el tipo de proveedor. Los servidores compatibles con OpenAI suelen terminar en /v1.',
    'outcome.PROVIDER_ERROR.anthropic.overloaded.userMessage': 'Anthropic está sobrecargado en este momento.',
    'outcome.PROVIDER_ERROR.anthropic.overloaded.remediation': 'Vuelve a intentarlo dentro de un minuto.',
    'outcome.PROVIDER_ERROR.ollama.memory.userMessage': 'Este equipo no tiene suficiente memoria libre para cargar el modelo.',
    'outcome.PROVIDER_ERROR.ollama.memory.remediation': 'Cierra otros programas o elige un modelo más pequeño y vuelve a probar.',
    'outcome.PROVIDER_ERROR.azure.contentFilter.userMessage': 'El filtro de contenido de Azure bloqueó el mensaje de prueba.',
    'outcome.PROVIDER_ERROR.azure.contentFilter.remediation': 'Prueba con otro mensaje o revisa la configuración del filtro de contenido de la implementación.',

    'outcome.INVALID_RESPONSE.userMessage': 'El servidor respondió, pero no con el formato que usa este tipo de proveedor.',
    'outcome.INVALID_RESPONSE.remediation': 'Comprueba que el tipo de proveedor coincide con el servidor y que la dirección es correcta.',
    'outcome.INVALID_RESPONSE.tooLarge.userMessage': 'La respuesta superaba los {limitKb} KB, así que se cortó y no se leyó.',
    'outcome.INVALID_RESPONSE.tooLarge.remediation': 'Comprueba que la dirección apunta a un servidor de modelos y no a una página web o un archivo.',
    'outcome.INVALID_RESPONSE.errorBody.userMessage': 'El servidor respondió con un error en lugar de una respuesta.',
    'outcome.INVALID_RESPONSE.errorBody.remediation': 'Comprueba que hay un modelo cargado en el servidor y que la dirección y el nombre del modelo son correctos.',
    'outcome.INVALID_RESPONSE.noAnswer.userMessage': 'El servidor respondió sin ningún texto del modelo.',
    'outcome.INVALID_RESPONSE.noAnswer.remediation': 'Comprueba que hay un modelo de chat cargado en el servidor y vuelve a probar.',

    'outcome.REDIRECT_REFUSED.userMessage': 'El servidor intentó enviar la solicitud a otra dirección, y se rechazó para proteger tu clave.',
    'outcome.REDIRECT_REFUSED.remediation': 'Usa como dirección la definitiva del proveedor, por ejemplo con https en lugar de http.',

    'outcome.ADDRESS_NOT_ALLOWED.userMessage': 'La dirección {hostname} lleva a un lugar de la red al que este perfil no puede llegar.',
    'outcome.ADDRESS_NOT_ALLOWED.remediation': 'Usa la dirección pública del proveedor o vuelve a guardar el perfil con la dirección que quieres usar.',

    'outcome.note.firstInstalledModel': "No se indicó ningún modelo, así que la prueba usó '{model}', el primero instalado.",
    'outcome.note.firstListedModel': "No se indicó ningún modelo, así que la prueba usó '{model}', el primero de la lista del servidor.",
    'outcome.note.defaultModel': "No se indicó ningún modelo, así que la prueba usó '{model}'.",
    'outcome.note.v1Added': "La dirección no tenía ruta, así que se añadió '/v1', como esperan los servidores compatibles con OpenAI.",
    'outcome.note.emptyAnswer': 'El modelo respondió, pero sin texto.',
    'outcome.note.providerCode': "El código de error del proveedor fue '{code}'.",
  },
};
