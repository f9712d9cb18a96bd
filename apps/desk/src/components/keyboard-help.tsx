import { Modal } from './ui';

const KEYS: [string, string][] = [
  ['j / k', 'Next / previous chat in the list'],
  ['Ctrl + Enter', 'Accept the open chat'],
  ['Enter', 'Send the message'],
  ['Shift + Enter', 'New line'],
  ['/', 'Canned responses (in the composer)'],
  ['Ctrl + I', 'Switch between reply and internal note'],
  ['Esc', 'Leave the composer, close a dialog'],
  ['?', 'This help'],
];

export function KeyboardHelp(props: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={props.onClose}>
      <dl className="keys">
        {KEYS.map(([k, v]) => (
          <div key={k} className="keys-row">
            <dt>
              {k.split(' ').map((part, i) => (part === '/' && k !== '/' ? <span key={i}> / </span> : part === '+' ? <span key={i}> + </span> : <kbd key={i}>{part}</kbd>))}
            </dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </Modal>
  );
}
