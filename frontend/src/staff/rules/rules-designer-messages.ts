// The rules designer's texts (amounts in the currency, the pickers, the leave prompt, version history), in
// the portal's four languages; staff-messages.ts spreads them into its catalogues.
const en = {
  'rules.designer.simAt': 'Purchase time in {timeZone} (optional)',
  'rules.designer.simAlone': 'This rule alone (unsaved edits included)',
  'rules.designer.versionItem': 'Version {version} · {date} · {author}',
  'rules.designer.unknownAuthor': 'an integration',
  'rules.designer.diffTitle': 'Differences from the current draft',
  'rules.designer.diffSame': 'Same as the current draft.',
  'rules.designer.diffChanged': '{before} → {after}',
  'rules.designer.diffAdded': 'added in the draft: {after}',
  'rules.designer.diffRemoved': 'not in the draft (was {before})',
  'rules.designer.definition': 'Definition (JSON)',
  'rules.designer.republish': 'Publish this version again',
  'rules.designer.republishTitle': 'Publish version {version} again?',
  'rules.designer.republishBody':
    'Its definition replaces the draft (unsaved edits are lost) and is published as the next version; purchases from now on earn by it.',
  'rules.designer.republished': 'Published again as version {version}.',
  'rules.designer.leavePrompt': 'This rule has unsaved changes. Leave and lose them?',
  'rules.designer.notANumber': 'Type a number, for example 1.5 or 12.50.',
  'rules.designer.factor': 'Multiplier (×, e.g. 1.5)',
  'rules.designer.perAmount': 'Per amount spent',
  'rules.designer.amount': 'Amount',
  'rules.designer.minSpend': 'Min. spend',
  'rules.designer.listAmounts': 'Amounts, separated by commas',
};

type Catalogue = Record<keyof typeof en, string>;

const es: Catalogue = {
  'rules.designer.simAt': 'Hora de la compra en {timeZone} (opcional)',
  'rules.designer.simAlone': 'Solo esta regla (con los cambios sin guardar)',
  'rules.designer.versionItem': 'Versión {version} · {date} · {author}',
  'rules.designer.unknownAuthor': 'una integración',
  'rules.designer.diffTitle': 'Diferencias con el borrador actual',
  'rules.designer.diffSame': 'Igual que el borrador actual.',
  'rules.designer.diffChanged': '{before} → {after}',
  'rules.designer.diffAdded': 'añadido en el borrador: {after}',
  'rules.designer.diffRemoved': 'no está en el borrador (era {before})',
  'rules.designer.definition': 'Definición (JSON)',
  'rules.designer.republish': 'Volver a publicar esta versión',
  'rules.designer.republishTitle': '¿Volver a publicar la versión {version}?',
  'rules.designer.republishBody':
    'Su definición sustituye al borrador (se pierden los cambios sin guardar) y se publica como la versión siguiente; las compras desde ahora ganan con ella.',
  'rules.designer.republished': 'Publicada de nuevo como versión {version}.',
  'rules.designer.leavePrompt': 'Esta regla tiene cambios sin guardar. ¿Salir y perderlos?',
  'rules.designer.notANumber': 'Escribe un número, por ejemplo 1.5 o 12.50.',
  'rules.designer.factor': 'Multiplicador (×, p. ej. 1.5)',
  'rules.designer.perAmount': 'Por importe gastado',
  'rules.designer.amount': 'Importe',
  'rules.designer.minSpend': 'Gasto mín.',
  'rules.designer.listAmounts': 'Importes, separados por comas',
};

const ru: Catalogue = {
  'rules.designer.simAt': 'Время покупки, {timeZone} (необязательно)',
  'rules.designer.simAlone': 'Только это правило (с несохранёнными изменениями)',
  'rules.designer.versionItem': 'Версия {version} · {date} · {author}',
  'rules.designer.unknownAuthor': 'интеграция',
  'rules.designer.diffTitle': 'Отличия от текущего черновика',
  'rules.designer.diffSame': 'Совпадает с текущим черновиком.',
  'rules.designer.diffChanged': '{before} → {after}',
  'rules.designer.diffAdded': 'добавлено в черновике: {after}',
  'rules.designer.diffRemoved': 'нет в черновике (было {before})',
  'rules.designer.definition': 'Определение (JSON)',
  'rules.designer.republish': 'Опубликовать эту версию снова',
  'rules.designer.republishTitle': 'Опубликовать версию {version} снова?',
  'rules.designer.republishBody':
    'Её определение заменит черновик (несохранённые изменения пропадут) и будет опубликовано как следующая версия; покупки с этого момента начисляются по ней.',
  'rules.designer.republished': 'Опубликовано снова как версия {version}.',
  'rules.designer.leavePrompt': 'В правиле есть несохранённые изменения. Уйти и потерять их?',
  'rules.designer.notANumber': 'Введите число, например 1.5 или 12.50.',
  'rules.designer.factor': 'Множитель (×, например 1.5)',
  'rules.designer.perAmount': 'За каждую потраченную сумму',
  'rules.designer.amount': 'Сумма',
  'rules.designer.minSpend': 'Мин. сумма покупки',
  'rules.designer.listAmounts': 'Суммы через запятую',
};

const ro: Catalogue = {
  'rules.designer.simAt': 'Ora achiziției în {timeZone} (opțional)',
  'rules.designer.simAlone': 'Doar această regulă (cu modificările nesalvate)',
  'rules.designer.versionItem': 'Versiunea {version} · {date} · {author}',
  'rules.designer.unknownAuthor': 'o integrare',
  'rules.designer.diffTitle': 'Diferențe față de ciorna actuală',
  'rules.designer.diffSame': 'La fel ca ciorna actuală.',
  'rules.designer.diffChanged': '{before} → {after}',
  'rules.designer.diffAdded': 'adăugat în ciornă: {after}',
  'rules.designer.diffRemoved': 'nu este în ciornă (era {before})',
  'rules.designer.definition': 'Definiție (JSON)',
  'rules.designer.republish': 'Publică din nou această versiune',
  'rules.designer.republishTitle': 'Publicați din nou versiunea {version}?',
  'rules.designer.republishBody':
    'Definiția ei înlocuiește ciorna (modificările nesalvate se pierd) și este publicată ca versiunea următoare; achizițiile de acum înainte câștigă după ea.',
  'rules.designer.republished': 'Publicată din nou ca versiunea {version}.',
  'rules.designer.leavePrompt': 'Această regulă are modificări nesalvate. Plecați și le pierdeți?',
  'rules.designer.notANumber': 'Introduceți un număr, de exemplu 1.5 sau 12.50.',
  'rules.designer.factor': 'Multiplicator (×, de ex. 1.5)',
  'rules.designer.perAmount': 'Pentru fiecare sumă cheltuită',
  'rules.designer.amount': 'Sumă',
  'rules.designer.minSpend': 'Cheltuială min.',
  'rules.designer.listAmounts': 'Sume, separate prin virgulă',
};

export const rulesDesignerMessages = { en, es, ru, ro };
