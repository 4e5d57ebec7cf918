// The "Invite friends" screen's texts in the program's four languages. Kept apart from the card's
// catalogues so that they travel in the screen's own chunk, loaded when it is opened.
import type { Catalogue, Language } from '../../shared/i18n/i18n.js';

const en = {
  'invite.title': 'Invite friends',
  'invite.back': 'Back to my card',
  'invite.intro':
    'Share your code. When a friend joins with it and their first purchase clears, you both get a reward.',
  'invite.yourCode': 'Your code',
  'invite.youGet': 'You get {reward}',
  'invite.friendGets': 'Your friend gets {reward}',
  'invite.minimum': 'On a first purchase of {amount} or more',
  'invite.points': '{points} points',
  'invite.coupon': 'a coupon',
  'invite.giftCertificate': 'a gift certificate of {amount}',
  'invite.inactive': 'Invitations are paused right now.',
  'invite.share': 'Share',
  'invite.copy': 'Copy link',
  'invite.copied': 'Link copied',
  'invite.shareText': 'Join me at {program} with my code {code}',
  'invite.qrLabel': 'QR code of your invitation link',
  'invite.friends': 'Your friends',
  'invite.noFriends': 'No friends have joined with your code yet.',
  'invite.status.attributed': 'Joined on {date}',
  'invite.status.qualified': 'First purchase on {date} — reward on {due}',
  'invite.status.cleared': 'Purchase cleared — reward on its way',
  'invite.status.rewarded': 'Rewarded on {date}',
  'invite.status.rejected': 'Did not qualify',
  'invite.status.reversed': 'Reward taken back after a return',
  'invite.underReview': 'Being checked by the shop',
  'invite.referredBy': 'You joined with {name}’s code',
  'invite.loading': 'Loading…',
  'invite.error': 'Your invitations could not be loaded. Try again.',
  'invite.retry': 'Try again',
};
export type InviteMessageKey = keyof typeof en;

const es: Catalogue<InviteMessageKey, 'es'> = {
  'invite.title': 'Invita a tus amigos',
  'invite.back': 'Volver a mi tarjeta',
  'invite.intro':
    'Comparte tu código. Cuando un amigo se una con él y su primera compra se confirme, los dos recibís un premio.',
  'invite.yourCode': 'Tu código',
  'invite.youGet': 'Tú recibes {reward}',
  'invite.friendGets': 'Tu amigo recibe {reward}',
  'invite.minimum': 'En una primera compra de {amount} o más',
  'invite.points': '{points} puntos',
  'invite.coupon': 'un cupón',
  'invite.giftCertificate': 'un certificado de regalo de {amount}',
  'invite.inactive': 'Las invitaciones están en pausa ahora mismo.',
  'invite.share': 'Compartir',
  'invite.copy': 'Copiar enlace',
  'invite.copied': 'Enlace copiado',
  'invite.shareText': 'Únete a {program} con mi código {code}',
  'invite.qrLabel': 'Código QR de tu enlace de invitación',
  'invite.friends': 'Tus amigos',
  'invite.noFriends': 'Aún no se ha unido ningún amigo con tu código.',
  'invite.status.attributed': 'Se unió el {date}',
  'invite.status.qualified': 'Primera compra el {date} — premio el {due}',
  'invite.status.cleared': 'Compra confirmada — premio en camino',
  'invite.status.rewarded': 'Premiado el {date}',
  'invite.status.rejected': 'No cumplió las condiciones',
  'invite.status.reversed': 'Premio retirado tras una devolución',
  'invite.underReview': 'La tienda lo está revisando',
  'invite.referredBy': 'Te uniste con el código de {name}',
  'invite.loading': 'Cargando…',
  'invite.error': 'No se pudieron cargar tus invitaciones. Inténtalo de nuevo.',
  'invite.retry': 'Reintentar',
};

const ru: Catalogue<InviteMessageKey, 'ru'> = {
  'invite.title': 'Пригласить друзей',
  'invite.back': 'Назад к карте',
  'invite.intro':
    'Поделитесь своим кодом. Когда друг присоединится с ним и его первая покупка будет подтверждена, вы оба получите награду.',
  'invite.yourCode': 'Ваш код',
  'invite.youGet': 'Вы получите {reward}',
  'invite.friendGets': 'Друг получит {reward}',
  'invite.minimum': 'При первой покупке от {amount}',
  'invite.points': '{points} баллов',
  'invite.coupon': 'купон',
  'invite.giftCertificate': 'подарочный сертификат на {amount}',
  'invite.inactive': 'Приглашения сейчас приостановлены.',
  'invite.share': 'Поделиться',
  'invite.copy': 'Скопировать ссылку',
  'invite.copied': 'Ссылка скопирована',
  'invite.shareText': 'Присоединяйтесь к {program} с моим кодом {code}',
  'invite.qrLabel': 'QR-код вашей ссылки-приглашения',
  'invite.friends': 'Ваши друзья',
  'invite.noFriends': 'С вашим кодом пока никто не присоединился.',
  'invite.status.attributed': 'Присоединился {date}',
  'invite.status.qualified': 'Первая покупка {date} — награда {due}',
  'invite.status.cleared': 'Покупка подтверждена — награда в пути',
  'invite.status.rewarded': 'Награда получена {date}',
  'invite.status.rejected': 'Условия не выполнены',
  'invite.status.reversed': 'Награда отменена после возврата',
  'invite.underReview': 'Магазин проверяет',
  'invite.referredBy': 'Вы присоединились по коду: {name}',
  'invite.loading': 'Загрузка…',
  'invite.error': 'Не удалось загрузить приглашения. Попробуйте ещё раз.',
  'invite.retry': 'Повторить',
};

const ro: Catalogue<InviteMessageKey, 'ro'> = {
  'invite.title': 'Invită prieteni',
  'invite.back': 'Înapoi la card',
  'invite.intro':
    'Distribuiți codul. Când un prieten se înscrie cu el și prima lui cumpărătură este confirmată, primiți amândoi o recompensă.',
  'invite.yourCode': 'Codul dvs.',
  'invite.youGet': 'Primiți {reward}',
  'invite.friendGets': 'Prietenul primește {reward}',
  'invite.minimum': 'La o primă cumpărătură de cel puțin {amount}',
  'invite.points': '{points} puncte',
  'invite.coupon': 'un cupon',
  'invite.giftCertificate': 'un certificat cadou de {amount}',
  'invite.inactive': 'Invitațiile sunt suspendate momentan.',
  'invite.share': 'Distribuie',
  'invite.copy': 'Copiază linkul',
  'invite.copied': 'Link copiat',
  'invite.shareText': 'Înscrie-te la {program} cu codul meu {code}',
  'invite.qrLabel': 'Codul QR al linkului de invitație',
  'invite.friends': 'Prietenii dvs.',
  'invite.noFriends': 'Niciun prieten nu s-a înscris încă cu codul dvs.',
  'invite.status.attributed': 'S-a înscris pe {date}',
  'invite.status.qualified': 'Prima cumpărătură pe {date} — recompensă pe {due}',
  'invite.status.cleared': 'Cumpărătură confirmată — recompensa e pe drum',
  'invite.status.rewarded': 'Recompensat pe {date}',
  'invite.status.rejected': 'Nu a îndeplinit condițiile',
  'invite.status.reversed': 'Recompensă retrasă după un retur',
  'invite.underReview': 'Magazinul verifică',
  'invite.referredBy': 'V-ați înscris cu codul lui {name}',
  'invite.loading': 'Se încarcă…',
  'invite.error': 'Invitațiile nu au putut fi încărcate. Încercați din nou.',
  'invite.retry': 'Reîncearcă',
};

const catalogues: Record<Language, Record<InviteMessageKey, string>> = { en, es, ru, ro };

/** The invite screen's texts in `language` (English for anything else), with `{name}` parameters filled. */
export function inviteTexts(language: string) {
  const messages = catalogues[language as Language] ?? en;
  return (key: InviteMessageKey, params: Record<string, string | number> = {}) =>
    messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole));
}
