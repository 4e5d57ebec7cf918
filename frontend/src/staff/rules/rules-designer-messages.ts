// The rules designer's texts (amounts in the currency, the pickers, the leave prompt, version history), in
// the portal's four languages; staff-messages.ts spreads them into its catalogues.
const en = {
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
  'rules.designer.leavePrompt': 'Esta regla tiene cambios sin guardar. ¿Salir y perderlos?',
  'rules.designer.notANumber': 'Escribe un número, por ejemplo 1.5 o 12.50.',
  'rules.designer.factor': 'Multiplicador (×, p. ej. 1.5)',
  'rules.designer.perAmount': 'Por importe gastado',
  'rules.designer.amount': 'Importe',
  'rules.designer.minSpend': 'Gasto mín.',
  'rules.designer.listAmounts': 'Importes, separados por comas',
};

const ru: Catalogue = {
  'rules.designer.leavePrompt': 'В правиле есть несохранённые изменения. Уйти и потерять их?',
  'rules.designer.notANumber': 'Введите число, например 1.5 или 12.50.',
  'rules.designer.factor': 'Множитель (×, например 1.5)',
  'rules.designer.perAmount': 'За каждую потраченную сумму',
  'rules.designer.amount': 'Сумма',
  'rules.designer.minSpend': 'Мин. сумма покупки',
  'rules.designer.listAmounts': 'Суммы через запятую',
};

const ro: Catalogue = {
  'rules.designer.leavePrompt': 'Această regulă are modificări nesalvate. Plecați și le pierdeți?',
  'rules.designer.notANumber': 'Introduceți un număr, de exemplu 1.5 sau 12.50.',
  'rules.designer.factor': 'Multiplicator (×, de ex. 1.5)',
  'rules.designer.perAmount': 'Pentru fiecare sumă cheltuită',
  'rules.designer.amount': 'Sumă',
  'rules.designer.minSpend': 'Cheltuială min.',
  'rules.designer.listAmounts': 'Sume, separate prin virgulă',
};

export const rulesDesignerMessages = { en, es, ru, ro };
