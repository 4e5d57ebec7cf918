// The desk's texts for the device's store, enrolling an unknown phone, the duplicate-sale question and the
// member's history, in the portal's four languages; staff-messages.ts spreads them into its catalogues, so
// `t` accepts these keys like any other and a missing translation is a type error.
const en = {
  'desk.store.current': 'Store: {store}',
  'desk.store.none': 'No store set up',
  'desk.store.change': 'Change store',
  'desk.store.dialogTitle': 'Which store is this device at?',
  'desk.store.dialogBody':
    'Purchases and redemptions on this device are recorded at this store. The device remembers it until it is changed here.',
  'desk.store.field': 'Store',
  'desk.store.confirm': 'Use this store',
  'desk.store.recordingAt': 'Recorded at {store}.',
  'desk.enrol.notFound': 'Nobody is enrolled with the phone number {phone}.',
  'desk.enrol.open': 'Enrol this customer',
  'desk.enrol.title': 'Enrol a new member',
  'desk.enrol.name': 'Name',
  'desk.enrol.phone': 'Mobile phone',
  'desk.enrol.referralCode': 'Friend’s referral code (optional)',
  'desk.enrol.referralUnknown':
    'No one has this referral code. Check it with the customer, or leave it empty.',
  'desk.enrol.hint': 'The customer opens their card later by signing in on the card app with this phone.',
  'desk.enrol.confirm': 'Enrol',
  'desk.enrol.nameMissing': "Type the customer's name.",
  'desk.enrol.badPhone': 'This is not a valid mobile phone number.',
  'desk.enrol.done': 'New member enrolled. Their card number is {number}.',
  'desk.duplicate.title': 'Record this sale again?',
  'desk.duplicate.body':
    '{total} for {name} was recorded {seconds} s ago. Record it only if this is a second sale of the same amount.',
  'desk.duplicate.confirm': 'Record again',
  'desk.history.title': 'History',
  'desk.history.empty': 'No points yet: the first purchase earns the first ones.',
  'desk.history.when': 'When',
  'desk.history.what': 'What',
  'desk.history.points': 'Points',
  'desk.history.actions': 'Actions',
  'desk.history.cancelled': 'cancelled',
  'desk.history.paidSale': 'paid for a sale',
  'desk.history.held': 'held by a sale still open',
  'error.memberExists': 'A member with this phone number already exists: find them by the phone.',
  'error.storeMismatch': 'This belongs to another store: you can act only for your own store.',
  'error.redemptionNotFound': 'This redemption was not found.',
  'error.redemptionHeld':
    'This redemption is held by a sale still open at a till: remove it there, or cancel that sale.',
};

export type DeskMessageKey = keyof typeof en;

const es: Record<DeskMessageKey, string> = {
  'desk.store.current': 'Tienda: {store}',
  'desk.store.none': 'No hay tienda configurada',
  'desk.store.change': 'Cambiar tienda',
  'desk.store.dialogTitle': '¿En qué tienda está este dispositivo?',
  'desk.store.dialogBody':
    'Las compras y los canjes de este dispositivo se registran en esta tienda. El dispositivo la recuerda hasta que se cambie aquí.',
  'desk.store.field': 'Tienda',
  'desk.store.confirm': 'Usar esta tienda',
  'desk.store.recordingAt': 'Se registra en {store}.',
  'desk.enrol.notFound': 'No hay nadie inscrito con el teléfono {phone}.',
  'desk.enrol.open': 'Inscribir a este cliente',
  'desk.enrol.title': 'Inscribir a un nuevo socio',
  'desk.enrol.name': 'Nombre',
  'desk.enrol.phone': 'Teléfono móvil',
  'desk.enrol.referralCode': 'Código de recomendación de un amigo (opcional)',
  'desk.enrol.referralUnknown':
    'Nadie tiene este código de recomendación. Compruébalo con el cliente o déjalo vacío.',
  'desk.enrol.hint':
    'El cliente abre su tarjeta más tarde iniciando sesión en la app de la tarjeta con este teléfono.',
  'desk.enrol.confirm': 'Inscribir',
  'desk.enrol.nameMissing': 'Escribe el nombre del cliente.',
  'desk.enrol.badPhone': 'No es un número de móvil válido.',
  'desk.enrol.done': 'Nuevo socio inscrito. Su número de tarjeta es {number}.',
  'desk.duplicate.title': '¿Registrar esta venta otra vez?',
  'desk.duplicate.body':
    'Hace {seconds} s se registró {total} para {name}. Regístrala solo si es una segunda venta por el mismo importe.',
  'desk.duplicate.confirm': 'Registrar otra vez',
  'desk.history.title': 'Historial',
  'desk.history.empty': 'Aún no hay puntos: la primera compra da los primeros.',
  'desk.history.when': 'Cuándo',
  'desk.history.what': 'Qué',
  'desk.history.points': 'Puntos',
  'desk.history.actions': 'Acciones',
  'desk.history.cancelled': 'cancelado',
  'desk.history.paidSale': 'pagó una venta',
  'desk.history.held': 'reservado por una venta abierta',
  'error.memberExists': 'Ya existe un socio con este teléfono: búscalo por el teléfono.',
  'error.storeMismatch': 'Esto pertenece a otra tienda: solo puedes actuar en tu propia tienda.',
  'error.redemptionNotFound': 'No se encontró este canje.',
  'error.redemptionHeld':
    'Este canje está reservado por una venta aún abierta en una caja: quítalo allí o cancela esa venta.',
};

const ru: Record<DeskMessageKey, string> = {
  'desk.store.current': 'Магазин: {store}',
  'desk.store.none': 'Магазин не настроен',
  'desk.store.change': 'Сменить магазин',
  'desk.store.dialogTitle': 'В каком магазине это устройство?',
  'desk.store.dialogBody':
    'Покупки и списания на этом устройстве записываются на этот магазин. Устройство запоминает его, пока его не сменят здесь.',
  'desk.store.field': 'Магазин',
  'desk.store.confirm': 'Выбрать этот магазин',
  'desk.store.recordingAt': 'Записывается на магазин {store}.',
  'desk.enrol.notFound': 'Никто не зарегистрирован с номером телефона {phone}.',
  'desk.enrol.open': 'Зарегистрировать клиента',
  'desk.enrol.title': 'Регистрация нового участника',
  'desk.enrol.name': 'Имя',
  'desk.enrol.phone': 'Мобильный телефон',
  'desk.enrol.referralCode': 'Код друга для рекомендации (необязательно)',
  'desk.enrol.referralUnknown': 'Такого кода рекомендации нет. Уточните у клиента или оставьте поле пустым.',
  'desk.enrol.hint': 'Позже клиент откроет свою карту, войдя в приложение карты с этим телефоном.',
  'desk.enrol.confirm': 'Зарегистрировать',
  'desk.enrol.nameMissing': 'Введите имя клиента.',
  'desk.enrol.badPhone': 'Это не номер мобильного телефона.',
  'desk.enrol.done': 'Новый участник зарегистрирован. Номер его карты: {number}.',
  'desk.duplicate.title': 'Записать эту продажу ещё раз?',
  'desk.duplicate.body':
    '{total} для клиента {name} записано {seconds} с назад. Записывайте, только если это вторая продажа на ту же сумму.',
  'desk.duplicate.confirm': 'Записать ещё раз',
  'desk.history.title': 'История',
  'desk.history.empty': 'Баллов пока нет: первые даст первая покупка.',
  'desk.history.when': 'Когда',
  'desk.history.what': 'Что',
  'desk.history.points': 'Баллы',
  'desk.history.actions': 'Действия',
  'desk.history.cancelled': 'отменено',
  'desk.history.paidSale': 'оплатило продажу',
  'desk.history.held': 'удержано открытой продажей',
  'error.memberExists': 'Участник с этим номером телефона уже есть: найдите его по телефону.',
  'error.storeMismatch': 'Это относится к другому магазину: вы можете действовать только в своём магазине.',
  'error.redemptionNotFound': 'Это списание не найдено.',
  'error.redemptionHeld':
    'Это списание удержано продажей, которая ещё открыта на кассе: уберите его там или отмените эту продажу.',
};

const ro: Record<DeskMessageKey, string> = {
  'desk.store.current': 'Magazin: {store}',
  'desk.store.none': 'Niciun magazin configurat',
  'desk.store.change': 'Schimbă magazinul',
  'desk.store.dialogTitle': 'În ce magazin este acest dispozitiv?',
  'desk.store.dialogBody':
    'Achizițiile și răscumpărările de pe acest dispozitiv se înregistrează la acest magazin. Dispozitivul îl ține minte până când este schimbat aici.',
  'desk.store.field': 'Magazin',
  'desk.store.confirm': 'Folosește acest magazin',
  'desk.store.recordingAt': 'Se înregistrează la {store}.',
  'desk.enrol.notFound': 'Nimeni nu este înscris cu numărul de telefon {phone}.',
  'desk.enrol.open': 'Înscrie acest client',
  'desk.enrol.title': 'Înscrie un membru nou',
  'desk.enrol.name': 'Nume',
  'desk.enrol.phone': 'Telefon mobil',
  'desk.enrol.referralCode': 'Codul de recomandare al unui prieten (opțional)',
  'desk.enrol.referralUnknown':
    'Nimeni nu are acest cod de recomandare. Verificați-l cu clientul sau lăsați câmpul gol.',
  'desk.enrol.hint':
    'Clientul își deschide cardul mai târziu, autentificându-se în aplicația cardului cu acest telefon.',
  'desk.enrol.confirm': 'Înscrie',
  'desk.enrol.nameMissing': 'Scrieți numele clientului.',
  'desk.enrol.badPhone': 'Acesta nu este un număr de telefon mobil valid.',
  'desk.enrol.done': 'Membru nou înscris. Numărul cardului este {number}.',
  'desk.duplicate.title': 'Înregistrați din nou această vânzare?',
  'desk.duplicate.body':
    '{total} pentru {name} a fost înregistrat acum {seconds} s. Înregistrați doar dacă este o a doua vânzare cu aceeași sumă.',
  'desk.duplicate.confirm': 'Înregistrează din nou',
  'desk.history.title': 'Istoric',
  'desk.history.empty': 'Încă nu există puncte: prima achiziție le aduce pe primele.',
  'desk.history.when': 'Când',
  'desk.history.what': 'Ce',
  'desk.history.points': 'Puncte',
  'desk.history.actions': 'Acțiuni',
  'desk.history.cancelled': 'anulată',
  'desk.history.paidSale': 'a plătit o vânzare',
  'desk.history.held': 'rezervată de o vânzare deschisă',
  'error.memberExists': 'Există deja un membru cu acest număr de telefon: căutați-l după telefon.',
  'error.storeMismatch':
    'Aceasta aparține altui magazin: puteți acționa doar pentru magazinul dumneavoastră.',
  'error.redemptionNotFound': 'Această răscumpărare nu a fost găsită.',
  'error.redemptionHeld':
    'Această răscumpărare este rezervată de o vânzare încă deschisă la o casă: eliminați-o acolo sau anulați acea vânzare.',
};

export const deskMessages = { en, es, ru, ro };
