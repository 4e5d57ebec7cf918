// The texts of the Profile tab's self-service (edit my details, download my data, delete my account) and
// of the install hint, in the four languages. Kept apart from the card's catalogues so that they travel
// in the chunks of those screens, loaded when they are shown.
import type { Language } from '../../shared/i18n/i18n.js';

const en = {
  'details.title': 'Your details',
  'details.save': 'Save my details',
  'details.saving': 'Saving…',
  'details.saved': 'Your details are saved.',
  'details.offline': 'Changing your details needs the internet.',
  'data.title': 'Your data',
  'data.intro':
    'Download everything the program keeps about you — your details, points history, purchases and wallet — as a JSON file.',
  'data.download': 'Download my data',
  'data.preparing': 'Preparing your file…',
  'data.ready': 'Your file has been downloaded.',
  'delete.title': 'Delete my account',
  'delete.intro': 'Deleting your account cannot be undone.',
  'delete.open': 'Delete my account…',
  'delete.confirmTitle': 'Delete your account?',
  'delete.erased': 'Your name, phone number, email, birth date and offer preferences are erased.',
  'delete.blocked':
    'This card is blocked at once: its QR code stops working at the till and you are signed out on every phone.',
  'delete.lost': 'Your {points} points, coupons, gift certificates and rewards can no longer be used.',
  'delete.kept':
    'The record of past purchases and points stays in the shop’s books, without your name, as the law on accounts requires.',
  'delete.again': 'You can join again later with the same phone number, as a new member.',
  'delete.confirm': 'Delete my account',
  'delete.cancel': 'Keep my account',
  'delete.deleting': 'Deleting…',
  'install.title': 'Keep your card one tap away',
  'install.text': 'Add it to your home screen: it opens like an app, even offline.',
  'install.button': 'Add to home screen',
  'install.ios': 'On iPhone or iPad: tap Share, then “Add to Home Screen”.',
  'install.dismiss': 'Not now',
} as const;

export type SelfServiceKey = keyof typeof en;

const es: Record<SelfServiceKey, string> = {
  'details.title': 'Tus datos',
  'details.save': 'Guardar mis datos',
  'details.saving': 'Guardando…',
  'details.saved': 'Tus datos se han guardado.',
  'details.offline': 'Para cambiar tus datos necesitas internet.',
  'data.title': 'Tus datos personales',
  'data.intro':
    'Descarga todo lo que el programa guarda sobre ti — tus datos, historial de puntos, compras y monedero — en un archivo JSON.',
  'data.download': 'Descargar mis datos',
  'data.preparing': 'Preparando tu archivo…',
  'data.ready': 'Tu archivo se ha descargado.',
  'delete.title': 'Eliminar mi cuenta',
  'delete.intro': 'Eliminar tu cuenta no se puede deshacer.',
  'delete.open': 'Eliminar mi cuenta…',
  'delete.confirmTitle': '¿Eliminar tu cuenta?',
  'delete.erased': 'Se borran tu nombre, teléfono, correo, fecha de nacimiento y preferencias de ofertas.',
  'delete.blocked':
    'Esta tarjeta se bloquea al instante: su código QR deja de funcionar en caja y se cierra la sesión en todos los teléfonos.',
  'delete.lost': 'Tus {points} puntos, cupones, tarjetas regalo y recompensas ya no se podrán usar.',
  'delete.kept':
    'El registro de compras y puntos pasados queda en la contabilidad de la tienda, sin tu nombre, como exige la ley.',
  'delete.again': 'Puedes volver a unirte más adelante con el mismo teléfono, como cliente nuevo.',
  'delete.confirm': 'Eliminar mi cuenta',
  'delete.cancel': 'Mantener mi cuenta',
  'delete.deleting': 'Eliminando…',
  'install.title': 'Ten tu tarjeta a un toque',
  'install.text': 'Añádela a la pantalla de inicio: se abre como una app, incluso sin conexión.',
  'install.button': 'Añadir a la pantalla de inicio',
  'install.ios': 'En iPhone o iPad: toca Compartir y luego «Añadir a pantalla de inicio».',
  'install.dismiss': 'Ahora no',
};

const ru: Record<SelfServiceKey, string> = {
  'details.title': 'Ваши данные',
  'details.save': 'Сохранить данные',
  'details.saving': 'Сохраняем…',
  'details.saved': 'Ваши данные сохранены.',
  'details.offline': 'Чтобы изменить данные, нужен интернет.',
  'data.title': 'Ваши персональные данные',
  'data.intro':
    'Скачайте всё, что программа хранит о вас, — данные, историю баллов, покупки и кошелёк — одним файлом JSON.',
  'data.download': 'Скачать мои данные',
  'data.preparing': 'Готовим файл…',
  'data.ready': 'Файл скачан.',
  'delete.title': 'Удалить учётную запись',
  'delete.intro': 'Удаление учётной записи нельзя отменить.',
  'delete.open': 'Удалить учётную запись…',
  'delete.confirmTitle': 'Удалить учётную запись?',
  'delete.erased': 'Ваше имя, телефон, почта, дата рождения и настройки предложений будут стёрты.',
  'delete.blocked':
    'Карта сразу блокируется: её QR-код перестаёт работать на кассе, и вы выходите из неё на всех телефонах.',
  'delete.lost':
    'Ваши баллы ({points}), купоны, подарочные сертификаты и награды больше нельзя будет использовать.',
  'delete.kept':
    'Записи о прошлых покупках и баллах остаются в учёте магазина, без вашего имени, как того требует закон.',
  'delete.again': 'Позже вы сможете снова присоединиться с тем же телефоном как новый участник.',
  'delete.confirm': 'Удалить учётную запись',
  'delete.cancel': 'Оставить учётную запись',
  'delete.deleting': 'Удаляем…',
  'install.title': 'Карта — в одно касание',
  'install.text': 'Добавьте её на главный экран: она открывается как приложение, даже без интернета.',
  'install.button': 'Добавить на главный экран',
  'install.ios': 'На iPhone или iPad: нажмите «Поделиться», затем «На экран „Домой“».',
  'install.dismiss': 'Не сейчас',
};

const ro: Record<SelfServiceKey, string> = {
  'details.title': 'Datele dvs.',
  'details.save': 'Salvează datele',
  'details.saving': 'Se salvează…',
  'details.saved': 'Datele dvs. au fost salvate.',
  'details.offline': 'Pentru a vă schimba datele aveți nevoie de internet.',
  'data.title': 'Datele dvs. personale',
  'data.intro':
    'Descărcați tot ce păstrează programul despre dvs. — datele, istoricul punctelor, cumpărăturile și portofelul — într-un fișier JSON.',
  'data.download': 'Descarcă datele mele',
  'data.preparing': 'Se pregătește fișierul…',
  'data.ready': 'Fișierul a fost descărcat.',
  'delete.title': 'Șterge contul meu',
  'delete.intro': 'Ștergerea contului nu poate fi anulată.',
  'delete.open': 'Șterge contul meu…',
  'delete.confirmTitle': 'Ștergeți contul?',
  'delete.erased': 'Numele, telefonul, e-mailul, data nașterii și preferințele de oferte sunt șterse.',
  'delete.blocked':
    'Cardul este blocat imediat: codul QR nu mai funcționează la casă și sunteți deconectat pe toate telefoanele.',
  'delete.lost':
    'Punctele dvs. ({points}), cupoanele, certificatele cadou și recompensele nu mai pot fi folosite.',
  'delete.kept':
    'Evidența cumpărăturilor și a punctelor trecute rămâne în contabilitatea magazinului, fără numele dvs., așa cum cere legea.',
  'delete.again': 'Vă puteți înscrie din nou mai târziu cu același telefon, ca membru nou.',
  'delete.confirm': 'Șterge contul meu',
  'delete.cancel': 'Păstrează contul',
  'delete.deleting': 'Se șterge…',
  'install.title': 'Cardul, la o atingere distanță',
  'install.text': 'Adăugați-l pe ecranul principal: se deschide ca o aplicație, chiar și offline.',
  'install.button': 'Adaugă pe ecranul principal',
  'install.ios': 'Pe iPhone sau iPad: atingeți Partajare, apoi „Adaugă pe ecranul principal”.',
  'install.dismiss': 'Nu acum',
};

export const selfServiceMessages: Record<Language, Record<SelfServiceKey, string>> = { en, es, ru, ro };

/** The texts in the card's language: `t(key, params)`, English as the fallback. */
export function selfServiceTexts(language: string) {
  const messages = selfServiceMessages[language as Language] ?? en;
  return (key: SelfServiceKey, params: Record<string, string | number> = {}) =>
    (messages[key] ?? en[key]).replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole));
}
