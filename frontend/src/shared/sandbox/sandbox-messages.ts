// The sandbox clock's texts, for the card and the portal, in every language the product speaks. Kept
// apart from the apps' catalogues so both apps share them; plural keys follow Intl.PluralRules
// (`.one`, `.few`, `.many`, `.other`).
const en = {
  'banner.ahead': 'Sandbox — the clock is {ahead} ahead',
  'banner.realTime': 'Sandbox — the clock runs on real time',
  'unit.minute.one': '{count} minute',
  'unit.minute.other': '{count} minutes',
  'unit.hour.one': '{count} hour',
  'unit.hour.other': '{count} hours',
  'unit.day.one': '{count} day',
  'unit.day.other': '{count} days',
  'advance.title': 'Advance time',
  'advance.intro':
    'Move this sandbox’s clock forward to watch what happens later: pending points become spendable, points expire. Time never goes back.',
  'advance.now': 'Sandbox time: {time}',
  'advance.by': 'Advance by',
  'advance.hour': '1 hour',
  'advance.day': '1 day',
  'advance.week': '7 days',
  'advance.month': '30 days',
  'advance.toDate': 'Or move to a date',
  'advance.toDateSubmit': 'Move to this date',
  'advance.toDateMissing': 'Choose a date and time later than the sandbox time.',
  'advance.working': 'Moving the clock and running the due jobs…',
  'advance.running': 'Still working: {passes} rounds of jobs so far.',
  'advance.moved': 'The clock moved from {from} to {to}.',
  'advance.nothing': 'Nothing was due in that time.',
  'advance.failed':
    'The clock moved, but a job failed: {error}. The regular jobs will retry within a minute.',
  'advance.disabledTitle': 'The clock cannot move here',
  'advance.disabled':
    'This deployment runs on real time. Start it with SANDBOX_CLOCK=true (not in production) to move time forward.',
  'error.backwards': 'The clock only moves forward: choose a later time.',
  'error.disabled': 'This deployment does not run the sandbox clock.',
  'sweep.activated.one': '{count} batch of pending points became spendable',
  'sweep.activated.other': '{count} batches of pending points became spendable',
  'sweep.expired.one': '{count} batch of points expired',
  'sweep.expired.other': '{count} batches of points expired',
  'sweep.points.one': '{count} point expired in total',
  'sweep.points.other': '{count} points expired in total',
  'sweep.webhooksDelivered.one': '{count} webhook delivery sent',
  'sweep.webhooksDelivered.other': '{count} webhook deliveries sent',
  'sweep.webhooksRetrying.one': '{count} webhook delivery failed and will be retried',
  'sweep.webhooksRetrying.other': '{count} webhook deliveries failed and will be retried',
  'sweep.webhooksFailed.one': '{count} webhook delivery given up',
  'sweep.webhooksFailed.other': '{count} webhook deliveries given up',
  'sweep.checkoutsExpired.one': '{count} open sale expired and its held points came back',
  'sweep.checkoutsExpired.other': '{count} open sales expired and their held points came back',
  'sweep.stampRewardsExpired.one': '{count} unused stamp-card reward expired',
  'sweep.stampRewardsExpired.other': '{count} unused stamp-card rewards expired',
  'sweep.giftCertificatesExpired.one': '{count} gift certificate expired (what was left on it is breakage)',
  'sweep.giftCertificatesExpired.other':
    '{count} gift certificates expired (what was left on them is breakage)',
  'sweep.couponsExpired.one': '{count} unused coupon expired',
  'sweep.couponsExpired.other': '{count} unused coupons expired',
  'sweep.unknown': '{job}: {what} {count}',
};

export type SandboxMessageKey = keyof typeof en;

const es: Record<SandboxMessageKey, string> = {
  'banner.ahead': 'Sandbox — el reloj va {ahead} por delante',
  'banner.realTime': 'Sandbox — el reloj va en hora real',
  'unit.minute.one': '{count} minuto',
  'unit.minute.other': '{count} minutos',
  'unit.hour.one': '{count} hora',
  'unit.hour.other': '{count} horas',
  'unit.day.one': '{count} día',
  'unit.day.other': '{count} días',
  'advance.title': 'Adelantar el tiempo',
  'advance.intro':
    'Adelanta el reloj de este sandbox para ver lo que pasa más tarde: los puntos pendientes pasan a estar disponibles, los puntos caducan. El tiempo nunca vuelve atrás.',
  'advance.now': 'Hora del sandbox: {time}',
  'advance.by': 'Adelantar',
  'advance.hour': '1 hora',
  'advance.day': '1 día',
  'advance.week': '7 días',
  'advance.month': '30 días',
  'advance.toDate': 'O ir a una fecha',
  'advance.toDateSubmit': 'Ir a esta fecha',
  'advance.toDateMissing': 'Elige una fecha y hora posteriores a la hora del sandbox.',
  'advance.working': 'Moviendo el reloj y ejecutando las tareas pendientes…',
  'advance.running': 'Todavía trabajando: {passes} rondas de tareas hasta ahora.',
  'advance.moved': 'El reloj pasó de {from} a {to}.',
  'advance.nothing': 'No había nada pendiente en ese tiempo.',
  'advance.failed':
    'El reloj se movió, pero una tarea falló: {error}. Las tareas periódicas lo reintentarán en un minuto.',
  'advance.disabledTitle': 'Aquí el reloj no se puede mover',
  'advance.disabled':
    'Este despliegue va en hora real. Arráncalo con SANDBOX_CLOCK=true (nunca en producción) para adelantar el tiempo.',
  'error.backwards': 'El reloj solo avanza: elige un momento posterior.',
  'error.disabled': 'Este despliegue no usa el reloj del sandbox.',
  'sweep.activated.one': '{count} lote de puntos pendientes pasó a estar disponible',
  'sweep.activated.other': '{count} lotes de puntos pendientes pasaron a estar disponibles',
  'sweep.expired.one': '{count} lote de puntos caducó',
  'sweep.expired.other': '{count} lotes de puntos caducaron',
  'sweep.points.one': '{count} punto caducado en total',
  'sweep.points.other': '{count} puntos caducados en total',
  'sweep.webhooksDelivered.one': '{count} envío de webhook entregado',
  'sweep.webhooksDelivered.other': '{count} envíos de webhook entregados',
  'sweep.webhooksRetrying.one': '{count} envío de webhook falló y se reintentará',
  'sweep.webhooksRetrying.other': '{count} envíos de webhook fallaron y se reintentarán',
  'sweep.webhooksFailed.one': '{count} envío de webhook abandonado',
  'sweep.webhooksFailed.other': '{count} envíos de webhook abandonados',
  'sweep.checkoutsExpired.one': '{count} venta abierta caducó y sus puntos reservados volvieron',
  'sweep.checkoutsExpired.other': '{count} ventas abiertas caducaron y sus puntos reservados volvieron',
  'sweep.stampRewardsExpired.one': 'Caducó {count} premio de tarjeta de sellos sin usar',
  'sweep.stampRewardsExpired.other': 'Caducaron {count} premios de tarjeta de sellos sin usar',
  'sweep.giftCertificatesExpired.one':
    'Caducó {count} tarjeta regalo (lo que le quedaba es saldo no canjeado)',
  'sweep.giftCertificatesExpired.other':
    'Caducaron {count} tarjetas regalo (lo que les quedaba es saldo no canjeado)',
  'sweep.couponsExpired.one': 'Caducó {count} cupón sin usar',
  'sweep.couponsExpired.other': 'Caducaron {count} cupones sin usar',
  'sweep.unknown': '{job}: {what} {count}',
};

const ru: Record<string, string> = {
  'banner.ahead': 'Песочница — часы идут на {ahead} вперёд',
  'banner.realTime': 'Песочница — часы идут по реальному времени',
  'unit.minute.one': '{count} минуту',
  'unit.minute.few': '{count} минуты',
  'unit.minute.many': '{count} минут',
  'unit.minute.other': '{count} минуты',
  'unit.hour.one': '{count} час',
  'unit.hour.few': '{count} часа',
  'unit.hour.many': '{count} часов',
  'unit.hour.other': '{count} часа',
  'unit.day.one': '{count} день',
  'unit.day.few': '{count} дня',
  'unit.day.many': '{count} дней',
  'unit.day.other': '{count} дня',
  'advance.title': 'Перевести время',
  'advance.intro':
    'Переведите часы этой песочницы вперёд, чтобы увидеть, что случится позже: ожидающие баллы становятся доступными, баллы сгорают. Время никогда не идёт назад.',
  'advance.now': 'Время песочницы: {time}',
  'advance.by': 'Вперёд на',
  'advance.hour': '1 час',
  'advance.day': '1 день',
  'advance.week': '7 дней',
  'advance.month': '30 дней',
  'advance.toDate': 'Или перейти к дате',
  'advance.toDateSubmit': 'Перейти к этой дате',
  'advance.toDateMissing': 'Выберите дату и время позже времени песочницы.',
  'advance.working': 'Переводим часы и выполняем задачи, срок которых наступил…',
  'advance.running': 'Ещё работаем: выполнено кругов задач — {passes}.',
  'advance.moved': 'Часы переведены с {from} на {to}.',
  'advance.nothing': 'За это время ничего не наступило.',
  'advance.failed':
    'Часы переведены, но задача не выполнилась: {error}. Регулярные задачи повторят попытку в течение минуты.',
  'advance.disabledTitle': 'Здесь часы нельзя перевести',
  'advance.disabled':
    'Эта установка работает по реальному времени. Запустите её с SANDBOX_CLOCK=true (не в продакшене), чтобы переводить время.',
  'error.backwards': 'Часы идут только вперёд: выберите более позднее время.',
  'error.disabled': 'Эта установка не использует часы песочницы.',
  'sweep.activated.one': '{count} партия ожидающих баллов стала доступной',
  'sweep.activated.few': '{count} партии ожидающих баллов стали доступными',
  'sweep.activated.many': '{count} партий ожидающих баллов стали доступными',
  'sweep.activated.other': '{count} партии ожидающих баллов стали доступными',
  'sweep.expired.one': 'Сгорела {count} партия баллов',
  'sweep.expired.few': 'Сгорели {count} партии баллов',
  'sweep.expired.many': 'Сгорело {count} партий баллов',
  'sweep.expired.other': 'Сгорело {count} партии баллов',
  'sweep.points.one': 'Всего сгорел {count} балл',
  'sweep.points.few': 'Всего сгорело {count} балла',
  'sweep.points.many': 'Всего сгорело {count} баллов',
  'sweep.points.other': 'Всего сгорело {count} балла',
  'sweep.webhooksDelivered.one': 'Отправлена {count} доставка вебхука',
  'sweep.webhooksDelivered.few': 'Отправлены {count} доставки вебхуков',
  'sweep.webhooksDelivered.many': 'Отправлено {count} доставок вебхуков',
  'sweep.webhooksDelivered.other': 'Отправлено {count} доставки вебхуков',
  'sweep.webhooksRetrying.one': '{count} доставка вебхука не удалась и будет повторена',
  'sweep.webhooksRetrying.few': '{count} доставки вебхуков не удались и будут повторены',
  'sweep.webhooksRetrying.many': '{count} доставок вебхуков не удались и будут повторены',
  'sweep.webhooksRetrying.other': '{count} доставки вебхуков не удались и будут повторены',
  'sweep.webhooksFailed.one': 'Прекращена {count} доставка вебхука',
  'sweep.webhooksFailed.few': 'Прекращены {count} доставки вебхуков',
  'sweep.webhooksFailed.many': 'Прекращено {count} доставок вебхуков',
  'sweep.webhooksFailed.other': 'Прекращено {count} доставки вебхуков',
  'sweep.checkoutsExpired.one': 'Истекла {count} открытая продажа, её резерв баллов вернулся',
  'sweep.checkoutsExpired.few': 'Истекли {count} открытые продажи, их резерв баллов вернулся',
  'sweep.checkoutsExpired.many': 'Истекло {count} открытых продаж, их резерв баллов вернулся',
  'sweep.checkoutsExpired.other': 'Истекло {count} открытой продажи, их резерв баллов вернулся',
  'sweep.stampRewardsExpired.one': 'Сгорела {count} неиспользованная награда карты штампов',
  'sweep.stampRewardsExpired.few': 'Сгорели {count} неиспользованные награды карт штампов',
  'sweep.stampRewardsExpired.many': 'Сгорело {count} неиспользованных наград карт штампов',
  'sweep.stampRewardsExpired.other': 'Сгорело {count} неиспользованной награды карт штампов',
  'sweep.giftCertificatesExpired.one': 'Истёк {count} подарочный сертификат (остаток списан)',
  'sweep.giftCertificatesExpired.few': 'Истекли {count} подарочных сертификата (остатки списаны)',
  'sweep.giftCertificatesExpired.many': 'Истекло {count} подарочных сертификатов (остатки списаны)',
  'sweep.giftCertificatesExpired.other': 'Истекло {count} подарочного сертификата (остатки списаны)',
  'sweep.couponsExpired.one': 'Истёк {count} неиспользованный купон',
  'sweep.couponsExpired.few': 'Истекли {count} неиспользованных купона',
  'sweep.couponsExpired.many': 'Истекло {count} неиспользованных купонов',
  'sweep.couponsExpired.other': 'Истекло {count} неиспользованного купона',
  'sweep.unknown': '{job}: {what} {count}',
};

const ro: Record<string, string> = {
  'banner.ahead': 'Sandbox — ceasul este cu {ahead} înainte',
  'banner.realTime': 'Sandbox — ceasul merge în timp real',
  'unit.minute.one': '{count} minut',
  'unit.minute.few': '{count} minute',
  'unit.minute.other': '{count} de minute',
  'unit.hour.one': '{count} oră',
  'unit.hour.few': '{count} ore',
  'unit.hour.other': '{count} de ore',
  'unit.day.one': '{count} zi',
  'unit.day.few': '{count} zile',
  'unit.day.other': '{count} de zile',
  'advance.title': 'Avansează timpul',
  'advance.intro':
    'Mută înainte ceasul acestui sandbox ca să vezi ce se întâmplă mai târziu: punctele în așteptare devin disponibile, punctele expiră. Timpul nu se întoarce niciodată.',
  'advance.now': 'Ora sandbox-ului: {time}',
  'advance.by': 'Avansează cu',
  'advance.hour': '1 oră',
  'advance.day': '1 zi',
  'advance.week': '7 zile',
  'advance.month': '30 de zile',
  'advance.toDate': 'Sau mergi la o dată',
  'advance.toDateSubmit': 'Mergi la această dată',
  'advance.toDateMissing': 'Alege o dată și o oră după ora sandbox-ului.',
  'advance.working': 'Mutăm ceasul și rulăm sarcinile scadente…',
  'advance.running': 'Încă lucrăm: {passes} runde de sarcini până acum.',
  'advance.moved': 'Ceasul a trecut de la {from} la {to}.',
  'advance.nothing': 'Nimic nu era scadent în acest interval.',
  'advance.failed':
    'Ceasul s-a mutat, dar o sarcină a eșuat: {error}. Sarcinile periodice vor reîncerca într-un minut.',
  'advance.disabledTitle': 'Aici ceasul nu poate fi mutat',
  'advance.disabled':
    'Această instalare merge în timp real. Porniți-o cu SANDBOX_CLOCK=true (niciodată în producție) pentru a avansa timpul.',
  'error.backwards': 'Ceasul merge doar înainte: alege un moment mai târziu.',
  'error.disabled': 'Această instalare nu folosește ceasul sandbox.',
  'sweep.activated.one': '{count} lot de puncte în așteptare a devenit disponibil',
  'sweep.activated.few': '{count} loturi de puncte în așteptare au devenit disponibile',
  'sweep.activated.other': '{count} de loturi de puncte în așteptare au devenit disponibile',
  'sweep.expired.one': '{count} lot de puncte a expirat',
  'sweep.expired.few': '{count} loturi de puncte au expirat',
  'sweep.expired.other': '{count} de loturi de puncte au expirat',
  'sweep.points.one': '{count} punct expirat în total',
  'sweep.points.few': '{count} puncte expirate în total',
  'sweep.points.other': '{count} de puncte expirate în total',
  'sweep.webhooksDelivered.one': '{count} livrare de webhook trimisă',
  'sweep.webhooksDelivered.few': '{count} livrări de webhook trimise',
  'sweep.webhooksDelivered.other': '{count} de livrări de webhook trimise',
  'sweep.webhooksRetrying.one': '{count} livrare de webhook a eșuat și va fi reîncercată',
  'sweep.webhooksRetrying.few': '{count} livrări de webhook au eșuat și vor fi reîncercate',
  'sweep.webhooksRetrying.other': '{count} de livrări de webhook au eșuat și vor fi reîncercate',
  'sweep.webhooksFailed.one': '{count} livrare de webhook abandonată',
  'sweep.webhooksFailed.few': '{count} livrări de webhook abandonate',
  'sweep.webhooksFailed.other': '{count} de livrări de webhook abandonate',
  'sweep.checkoutsExpired.one': '{count} vânzare deschisă a expirat și punctele rezervate au revenit',
  'sweep.checkoutsExpired.few': '{count} vânzări deschise au expirat și punctele rezervate au revenit',
  'sweep.checkoutsExpired.other': '{count} de vânzări deschise au expirat și punctele rezervate au revenit',
  'sweep.stampRewardsExpired.one': '{count} recompensă nefolosită a cardului de ștampile a expirat',
  'sweep.stampRewardsExpired.few': '{count} recompense nefolosite ale cardurilor de ștampile au expirat',
  'sweep.stampRewardsExpired.other': '{count} de recompense nefolosite ale cardurilor de ștampile au expirat',
  'sweep.giftCertificatesExpired.one':
    '{count} certificat cadou a expirat (restul rămas pe el este nerăscumpărat)',
  'sweep.giftCertificatesExpired.few':
    '{count} certificate cadou au expirat (resturile rămase sunt nerăscumpărate)',
  'sweep.giftCertificatesExpired.other':
    '{count} de certificate cadou au expirat (resturile rămase sunt nerăscumpărate)',
  'sweep.couponsExpired.one': '{count} cupon nefolosit a expirat',
  'sweep.couponsExpired.few': '{count} cupoane nefolosite au expirat',
  'sweep.couponsExpired.other': '{count} de cupoane nefolosite au expirat',
  'sweep.unknown': '{job}: {what} {count}',
};

export const sandboxCatalogues: Record<'en' | 'es' | 'ru' | 'ro', Record<string, string>> = {
  en,
  es,
  ru,
  ro,
};

type Params = Record<string, string | number>;

/** The sandbox texts in `language` (English when the language has none), with `{name}` filled in. */
export function sandboxText(language: string, key: SandboxMessageKey, params: Params = {}): string {
  const messages = sandboxCatalogues[language as keyof typeof sandboxCatalogues] ?? sandboxCatalogues.en;
  const template = messages[key] ?? sandboxCatalogues.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole));
}

/** A plural text (`unit.day` → `unit.day.one` / `.few` / `.many` / `.other`) for `count` in `language`. */
export function sandboxPlural(language: string, key: string, count: number, params: Params = {}): string {
  const messages = sandboxCatalogues[language as keyof typeof sandboxCatalogues] ?? sandboxCatalogues.en;
  const form = new Intl.PluralRules(language).select(count);
  const template =
    messages[`${key}.${form}`] ?? messages[`${key}.other`] ?? sandboxCatalogues.en[`${key}.other`] ?? key;
  const formatted = new Intl.NumberFormat(language).format(count);
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name === 'count' ? formatted : String(params[name] ?? whole),
  );
}

/** "30 days", "5 hours", "12 minutes": how far ahead the clock is, in the largest whole unit. */
export function describeAhead(language: string, offsetSeconds: number): string {
  if (offsetSeconds >= 86_400) return sandboxPlural(language, 'unit.day', Math.floor(offsetSeconds / 86_400));
  if (offsetSeconds >= 3600) return sandboxPlural(language, 'unit.hour', Math.floor(offsetSeconds / 3600));
  return sandboxPlural(language, 'unit.minute', Math.max(1, Math.floor(offsetSeconds / 60)));
}
