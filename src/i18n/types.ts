export type Locale = 'en' | 'es';
export type MessageParams = Record<string, string | number | null | undefined>;
/** One area's messages: the same keys in every locale. */
export type Catalogue = Record<Locale, Record<string, string>>;
