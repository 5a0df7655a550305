/**
 * What a streamed test adds: how fast the answer felt, in one sentence (`speedVerdict`), and
 * notes on how the stream went. Placeholders: {start} and {seconds} are seconds with one
 * decimal, {words} is words a second, all formatted for the locale.
 */
import type { Catalogue } from '../types.js';

export const streamingMessages: Catalogue = {
  en: {
    'speed.fast': 'Fast: the answer started after {start} s and came at about {words} words a second.',
    'speed.usable': 'Usable: the answer started after {start} s and came at about {words} words a second, close to reading speed.',
    'speed.slow': 'Slow: the answer started after {start} s and came at about {words} words a second. A smaller model or a faster computer would help.',
    'speed.fastStart': 'Fast: the answer started after {start} s.',
    'speed.start': 'The answer started after {start} s.',
    'speed.slowStart': 'Slow: the answer took {start} s to start. A smaller model or a faster computer would help.',
    'speed.coldStart': 'The first answer took {seconds} s because the model had to load; the next ones will be faster.',
    'outcome.note.streamRefused': 'The server would not stream its answer, so it was asked for in one piece and its speed is not measured.',
    'outcome.note.streamedError': 'The server started answering, then reported the error partway through.',
  },
  es: {
    'speed.fast': 'Rápido: la respuesta empezó a los {start} s y llegó a unas {words} palabras por segundo.',
    'speed.usable': 'Aceptable: la respuesta empezó a los {start} s y llegó a unas {words} palabras por segundo, cerca de la velocidad de lectura.',
    'speed.slow': 'Lento: la respuesta empezó a los {start} s y llegó a unas {words} palabras por segundo. Un modelo más pequeño o un equipo más rápido ayudaría.',
    'speed.fastStart': 'Rápido: la respuesta empezó a los {start} s.',
    'speed.start': 'La respuesta empezó a los {start} s.',
    'speed.slowStart': 'Lento: la respuesta tardó {start} s en empezar. Un modelo más pequeño o un equipo más rápido ayudaría.',
    'speed.coldStart': 'La primera respuesta tardó {seconds} s porque el modelo tuvo que cargarse; las siguientes serán más rápidas.',
    'outcome.note.streamRefused': 'El servidor no quiso enviar la respuesta por partes, así que se pidió entera y no se mide su velocidad.',
    'outcome.note.streamedError': 'El servidor empezó a responder y luego informó del error a mitad de la respuesta.',
  },
};
