/**
 * Problem texts: a title, what happened and what to do, for every code in the contract's ProblemCode, plus
 * the reason variants that say exactly why safe storage or the profile store is unavailable
 * and the health one-liners. Learners read these: no internals, no paths, no library names.
 */
import type { Catalogue } from '../types.js';

export const problemMessages: Catalogue = {
  en: {
    'problem.VALIDATION_ERROR.title': 'Some details need fixing',
    'problem.VALIDATION_ERROR.userMessage': 'Some of the details sent are missing or not valid.',
    'problem.VALIDATION_ERROR.remediation': 'Check the fields listed, correct them and try again.',

    'problem.UNAUTHORIZED.title': 'Access not allowed',
    'problem.UNAUTHORIZED.userMessage': 'The request did not carry a valid access token for the profile service.',
    'problem.UNAUTHORIZED.remediation': 'Restart the LLM Tutor app so it can connect again. If you use another tool, give it the current access token.',

    'problem.HOST_NOT_ALLOWED.title': 'Address not recognised',
    'problem.HOST_NOT_ALLOWED.userMessage': 'The request used an address that does not belong to this service, so it was refused for your safety.',
    'problem.HOST_NOT_ALLOWED.remediation': 'Reach the service through 127.0.0.1 or localhost with its port number.',

    'problem.ORIGIN_NOT_ALLOWED.title': 'Website not allowed',
    'problem.ORIGIN_NOT_ALLOWED.userMessage': 'The request came from a web page that is not allowed to use this service.',
    'problem.ORIGIN_NOT_ALLOWED.remediation': 'Use the LLM Tutor app. If you trust this page, add its address to the allowed list in the service settings.',

    'problem.NOT_FOUND.title': 'Not found',
    'problem.NOT_FOUND.userMessage': 'There is nothing at this address in the profile service.',
    'problem.NOT_FOUND.remediation': 'Check the address and try again, or update the app if it is out of date.',

    'problem.PROFILE_NOT_FOUND.title': 'Profile not found',
    'problem.PROFILE_NOT_FOUND.userMessage': 'There is no profile with the id {profileId}. It may have been deleted.',
    'problem.PROFILE_NOT_FOUND.remediation': 'Refresh the list of profiles and choose one that is shown there.',

    'problem.METHOD_NOT_ALLOWED.title': 'Action not supported',
    'problem.METHOD_NOT_ALLOWED.userMessage': 'This address does not support that kind of request.',
    'problem.METHOD_NOT_ALLOWED.remediation': 'Use one of the supported actions: {allow}.',

    'problem.NOT_ACCEPTABLE.title': 'Answer format not available',
    'problem.NOT_ACCEPTABLE.userMessage': 'The request asked for an answer format this service does not offer.',
    'problem.NOT_ACCEPTABLE.remediation': 'Ask for JSON, which is the default, or update the app and try again.',

    'problem.ACTIVE_PROFILE_REQUIRED.title': 'Choose another active profile',
    'problem.ACTIVE_PROFILE_REQUIRED.userMessage': 'This is the active profile and other profiles exist, so one of them must take its place.',
    'problem.ACTIVE_PROFILE_REQUIRED.remediation': 'Choose which profile becomes active, then delete this one again.',

    'problem.ALTERNATE_NOT_FOUND.title': 'Replacement profile not found',
    'problem.ALTERNATE_NOT_FOUND.userMessage': 'The profile chosen to take over ({successorProfileId}) does not exist or is the one being deleted.',
    'problem.ALTERNATE_NOT_FOUND.remediation': 'Refresh the list and pick another existing profile to become active.',

    'problem.DUPLICATE_PROFILE_NAME.title': 'Name already in use',
    'problem.DUPLICATE_PROFILE_NAME.userMessage': 'A profile called “{name}” already exists. Names must be different, even ignoring capital letters.',
    'problem.DUPLICATE_PROFILE_NAME.remediation': 'Choose a different name for this profile.',

    'problem.PRECONDITION_FAILED.title': 'Profile changed meanwhile',
    'problem.PRECONDITION_FAILED.userMessage': 'This profile was changed after you opened it, so your changes were not saved.',
    'problem.PRECONDITION_FAILED.remediation': 'Reload the profile, check its current details and make your changes again.',

    'problem.PAYLOAD_TOO_LARGE.title': 'Request too large',
    'problem.PAYLOAD_TOO_LARGE.userMessage': 'The request is larger than the {limitKb} KB this service accepts.',
    'problem.PAYLOAD_TOO_LARGE.remediation': 'Shorten the text you entered, such as the test prompt, and try again.',

    'problem.UNSUPPORTED_MEDIA_TYPE.title': 'Format not supported',
    'problem.UNSUPPORTED_MEDIA_TYPE.userMessage': 'The request was sent in a format this service cannot read.',
    'problem.UNSUPPORTED_MEDIA_TYPE.remediation': 'Send the details as JSON, or update the app and try again.',

    'problem.SAFE_STORAGE_UNAVAILABLE.title': 'Secure storage unavailable',
    'problem.SAFE_STORAGE_UNAVAILABLE.userMessage': 'You can still see your profiles, but changes are paused because the key that protects saved API keys cannot be used.',
    'problem.SAFE_STORAGE_UNAVAILABLE.remediation': 'Check the vault key file in the data folder, then try again. Your saved profiles have not been changed.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.key-missing': 'The vault key file in the data folder is missing. Put the original file back, from a backup if needed, then try again.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.key-unreadable': 'The vault key file in the data folder cannot be read. Make sure it is there and belongs to you, then try again.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.key-permissions':
      'Other users could read the vault key file in the data folder. Set its permissions so only you can read it (mode 600), then try again.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.key-owner': 'The vault key file in the data folder belongs to another user. Make your own user its owner, then try again.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.key-malformed': 'The vault key file in the data folder is damaged. Restore it from a backup, then try again.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.key-mismatch':
      'The vault key file in the data folder does not match your saved profiles. Put back the key they were saved with, then try again.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.keyring-locked': 'Your keyring is locked. Unlock your keyring (it opens when you sign in), then try again. Nothing was changed.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.keyring-absent': 'No keyring is running for your session. Sign in to your desktop (or start your keyring), then try again.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.keyring-timeout': 'Your keyring did not answer in time. Wait a moment and try again; if it keeps happening, sign out and back in.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.keyring-key-missing':
      'Your keyring no longer holds the key for your saved profiles. Restore your keyring from a backup, then try again.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.secret-unreadable':
      "This profile's saved API key could not be unlocked; it may have been damaged. Enter the key again in the profile's settings.",

    'problem.RATE_LIMITED.title': 'Too many attempts',
    'problem.RATE_LIMITED.userMessage': 'Too many tests or scans were started in a short time.',
    'problem.RATE_LIMITED.remediation': 'Wait {retryAfterSeconds} seconds, then try again.',

    'problem.VAULT_READ_ERROR.title': 'Profiles cannot be read',
    'problem.VAULT_READ_ERROR.userMessage': 'Your saved profiles could not be read, so nothing can be changed for now. The file was left exactly as it was.',
    'problem.VAULT_READ_ERROR.remediation': 'Restore the profiles file in the data folder from a backup, or move it aside to start afresh, then restart the service.',
    'problem.VAULT_READ_ERROR.reason.parse':
      'The profiles file in the data folder is damaged. Restore it from a backup, or move it aside to start afresh, then restart the service.',
    'problem.VAULT_READ_ERROR.reason.invariant':
      'The profiles file in the data folder contradicts itself, for example two active profiles. Restore it from a backup, then restart the service.',
    'problem.VAULT_READ_ERROR.reason.io':
      'The profiles file in the data folder could not be opened. Check that the disk is available and the file belongs to you, then restart the service.',

    'problem.VAULT_WRITE_ERROR.title': 'Changes not saved',
    'problem.VAULT_WRITE_ERROR.userMessage': 'Your change could not be saved, so nothing was changed.',
    'problem.VAULT_WRITE_ERROR.remediation': 'Make sure the disk has free space and that you can write to the data folder, then try again.',

    'problem.INTERNAL_ERROR.title': 'Something went wrong',
    'problem.INTERNAL_ERROR.userMessage': 'Something unexpected went wrong in the profile service. Nothing was changed.',
    'problem.INTERNAL_ERROR.remediation': 'Try again. If it keeps happening, restart the LLM Tutor app and share the request id with whoever helps you.',

    'health.vault.ok': 'Your saved profiles can be read.',
    'health.vault.unreadable': 'Your saved profiles cannot be read right now.',
    'health.safeStorage.available': 'Saved API keys are protected and changes can be saved.',
    'health.safeStorage.unavailable': 'Saved API keys cannot be unlocked, so changes are paused.',
  },
  es: {
    'problem.VALIDATION_ERROR.title': 'Hay datos que corregir',
    'problem.VALIDATION_ERROR.userMessage': 'Algunos de los datos enviados faltan o no son válidos.',
    'problem.VALIDATION_ERROR.remediation': 'Revisa los campos indicados, corrígelos y vuelve a intentarlo.',

    'problem.UNAUTHORIZED.title': 'Acceso no permitido',
    'problem.UNAUTHORIZED.userMessage': 'La solicitud no llevaba un token de acceso válido para el servicio de perfiles.',
    'problem.UNAUTHORIZED.remediation': 'Reinicia la aplicación LLM Tutor para que vuelva a conectarse. Si usas otra herramienta, dale el token de acceso actual.',

    'problem.HOST_NOT_ALLOWED.title': 'Dirección no reconocida',
    'problem.HOST_NOT_ALLOWED.userMessage': 'La solicitud usó una dirección que no pertenece a este servicio, así que se rechazó por tu seguridad.',
    'problem.HOST_NOT_ALLOWED.remediation': 'Accede al servicio mediante 127.0.0.1 o localhost con su número de puerto.',

    'problem.ORIGIN_NOT_ALLOWED.title': 'Sitio web no permitido',
    'problem.ORIGIN_NOT_ALLOWED.userMessage': 'La solicitud vino de una página web que no tiene permiso para usar este servicio.',
    'problem.ORIGIN_NOT_ALLOWED.remediation':
      'Usa la aplicación LLM Tutor. Si confías en esta página, añade su dirección a la lista de permitidas en la configuración del servicio.',

    'problem.NOT_FOUND.title': 'No encontrado',
    'problem.NOT_FOUND.userMessage': 'No hay nada en esta dirección del servicio de perfiles.',
    'problem.NOT_FOUND.remediation': 'Revisa la dirección y vuelve a intentarlo, o actualiza la aplicación si no está al día.',

    'problem.PROFILE_NOT_FOUND.title': 'Perfil no encontrado',
    'problem.PROFILE_NOT_FOUND.userMessage': 'No existe ningún perfil con el identificador {profileId}. Puede que se haya eliminado.',
    'problem.PROFILE_NOT_FOUND.remediation': 'Actualiza la lista de perfiles y elige uno que aparezca en ella.',

    'problem.METHOD_NOT_ALLOWED.title': 'Acción no admitida',
    'problem.METHOD_NOT_ALLOWED.userMessage': 'Esta dirección no admite ese tipo de solicitud.',
    'problem.METHOD_NOT_ALLOWED.remediation': 'Usa una de las acciones admitidas: {allow}.',

    'problem.NOT_ACCEPTABLE.title': 'Formato de respuesta no disponible',
    'problem.NOT_ACCEPTABLE.userMessage': 'La solicitud pidió un formato de respuesta que este servicio no ofrece.',
    'problem.NOT_ACCEPTABLE.remediation': 'Pide JSON, que es el formato predeterminado, o actualiza la aplicación y vuelve a intentarlo.',

    'problem.ACTIVE_PROFILE_REQUIRED.title': 'Elige otro perfil activo',
    'problem.ACTIVE_PROFILE_REQUIRED.userMessage': 'Este es el perfil activo y hay otros perfiles, así que uno de ellos debe ocupar su lugar.',
    'problem.ACTIVE_PROFILE_REQUIRED.remediation': 'Elige qué perfil pasará a estar activo y vuelve a eliminar este.',

    'problem.ALTERNATE_NOT_FOUND.title': 'Perfil sustituto no encontrado',
    'problem.ALTERNATE_NOT_FOUND.userMessage': 'El perfil elegido como sustituto ({successorProfileId}) no existe o es el mismo que se va a eliminar.',
    'problem.ALTERNATE_NOT_FOUND.remediation': 'Actualiza la lista y elige otro perfil existente para que pase a estar activo.',

    'problem.DUPLICATE_PROFILE_NAME.title': 'Nombre ya en uso',
    'problem.DUPLICATE_PROFILE_NAME.userMessage': 'Ya existe un perfil llamado “{name}”. Los nombres deben ser distintos, sin importar mayúsculas o minúsculas.',
    'problem.DUPLICATE_PROFILE_NAME.remediation': 'Elige otro nombre para este perfil.',

    'problem.PRECONDITION_FAILED.title': 'El perfil cambió mientras tanto',
    'problem.PRECONDITION_FAILED.userMessage': 'Este perfil se modificó después de que lo abrieras, así que tus cambios no se guardaron.',
    'problem.PRECONDITION_FAILED.remediation': 'Vuelve a cargar el perfil, revisa sus datos actuales y haz tus cambios de nuevo.',

    'problem.PAYLOAD_TOO_LARGE.title': 'Solicitud demasiado grande',
    'problem.PAYLOAD_TOO_LARGE.userMessage': 'La solicitud supera los {limitKb} KB que admite este servicio.',
    'problem.PAYLOAD_TOO_LARGE.remediation': 'Acorta el texto que escribiste, como el mensaje de prueba, y vuelve a intentarlo.',

    'problem.UNSUPPORTED_MEDIA_TYPE.title': 'Formato no admitido',
    'problem.UNSUPPORTED_MEDIA_TYPE.userMessage': 'La solicitud se envió en un formato que este servicio no puede leer.',
    'problem.UNSUPPORTED_MEDIA_TYPE.remediation': 'Envía los datos en formato JSON, o actualiza la aplicación y vuelve a intentarlo.',

    'problem.SAFE_STORAGE_UNAVAILABLE.title': 'Almacenamiento seguro no disponible',
    'problem.SAFE_STORAGE_UNAVAILABLE.userMessage':
      'Puedes seguir viendo tus perfiles, pero los cambios están en pausa porque no se puede usar la clave que protege las claves de API guardadas.',
    'problem.SAFE_STORAGE_UNAVAILABLE.remediation':
      'Revisa el archivo de clave de la bóveda en la carpeta de datos y vuelve a intentarlo. Tus perfiles guardados no se han modificado.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.key-missing':
      'Falta el archivo de clave de la bóveda en la carpeta de datos. Vuelve a ponerlo en su sitio, desde una copia de seguridad si hace falta, e inténtalo de nuevo.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.key-unreadable':
      'No se puede leer el archivo de clave de la bóveda en la carpeta de datos. Comprueba que está ahí y que es tuyo, e inténtalo de nuevo.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.key-permissions':
      'Otros usuarios podrían leer el archivo de clave de la bóveda. Cambia sus permisos para que solo tú puedas leerlo (modo 600) e inténtalo de nuevo.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.key-owner':
      'El archivo de clave de la bóveda en la carpeta de datos pertenece a otro usuario. Haz que tu usuario sea su propietario e inténtalo de nuevo.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.key-malformed':
      'El archivo de clave de la bóveda en la carpeta de datos está dañado. Restáuralo desde una copia de seguridad e inténtalo de nuevo.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.key-mismatch':
      'El archivo de clave de la bóveda no corresponde a tus perfiles guardados. Vuelve a poner la clave con la que se guardaron e inténtalo de nuevo.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.keyring-locked':
      'Tu llavero está bloqueado. Desbloquea tu llavero (se abre al iniciar sesión) y vuelve a intentarlo. No se cambió nada.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.keyring-absent':
      'No hay ningún llavero activo en tu sesión. Inicia sesión en tu escritorio (o abre tu llavero) y vuelve a intentarlo.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.keyring-timeout':
      'Tu llavero no respondió a tiempo. Espera un momento y vuelve a intentarlo; si se repite, cierra sesión y vuelve a entrar.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.keyring-key-missing':
      'Tu llavero ya no guarda la clave de tus perfiles. Restaura tu llavero desde una copia de seguridad y vuelve a intentarlo.',
    'problem.SAFE_STORAGE_UNAVAILABLE.reason.secret-unreadable':
      'No se pudo desbloquear la clave de API guardada de este perfil; puede estar dañada. Vuelve a escribir la clave en la configuración del perfil.',

    'problem.RATE_LIMITED.title': 'Demasiados intentos',
    'problem.RATE_LIMITED.userMessage': 'Se iniciaron demasiadas pruebas o búsquedas en poco tiempo.',
    'problem.RATE_LIMITED.remediation': 'Espera {retryAfterSeconds} segundos y vuelve a intentarlo.',

    'problem.VAULT_READ_ERROR.title': 'No se pueden leer los perfiles',
    'problem.VAULT_READ_ERROR.userMessage': 'No se pudieron leer tus perfiles guardados, así que por ahora no se puede cambiar nada. El archivo se dejó tal como estaba.',
    'problem.VAULT_READ_ERROR.remediation':
      'Restaura el archivo de perfiles de la carpeta de datos desde una copia de seguridad, o apártalo para empezar de cero, y reinicia el servicio.',
    'problem.VAULT_READ_ERROR.reason.parse':
      'El archivo de perfiles de la carpeta de datos está dañado. Restáuralo desde una copia de seguridad, o apártalo para empezar de cero, y reinicia el servicio.',
    'problem.VAULT_READ_ERROR.reason.invariant':
      'El archivo de perfiles se contradice, por ejemplo con dos perfiles activos. Restáuralo desde una copia de seguridad y reinicia el servicio.',
    'problem.VAULT_READ_ERROR.reason.io':
      'No se pudo abrir el archivo de perfiles de la carpeta de datos. Comprueba que el disco está disponible y que el archivo es tuyo, y reinicia el servicio.',

    'problem.VAULT_WRITE_ERROR.title': 'Cambios no guardados',
    'problem.VAULT_WRITE_ERROR.userMessage': 'No se pudo guardar tu cambio, así que no se modificó nada.',
    'problem.VAULT_WRITE_ERROR.remediation': 'Comprueba que el disco tiene espacio libre y que puedes escribir en la carpeta de datos, y vuelve a intentarlo.',

    'problem.INTERNAL_ERROR.title': 'Algo salió mal',
    'problem.INTERNAL_ERROR.userMessage': 'Ocurrió un error inesperado en el servicio de perfiles. No se cambió nada.',
    'problem.INTERNAL_ERROR.remediation':
      'Vuelve a intentarlo. Si sigue ocurriendo, reinicia la aplicación LLM Tutor y comparte el identificador de la solicitud con quien te ayude.',

    'health.vault.ok': 'Tus perfiles guardados se pueden leer.',
    'health.vault.unreadable': 'Ahora mismo no se pueden leer tus perfiles guardados.',
    'health.safeStorage.available': 'Las claves de API guardadas están protegidas y se pueden guardar cambios.',
    'health.safeStorage.unavailable': 'No se pueden desbloquear las claves de API guardadas, así que los cambios están en pausa.',
  },
};
