// The conversation's wrap-up in the details pane: tags agents add and remove (the bot's too), and the
// transcript as a file. Other desks showing the conversation see tag changes through queue.updated.
import { api, errorText, type AgentConversation } from '../api';
import { useDesk } from '../desk-context';
import { TagInput } from './ui';

export function WrapUpCard(props: { c: AgentConversation; canTag: boolean; onTags: (tags: string[]) => void }) {
  const desk = useDesk();
  const { c } = props;
  // TagInput hands back the whole list: what it added or removed goes to the server one by one
  const change = async (next: string[]) => {
    const added = next.filter((t) => !c.tags.includes(t));
    const removed = c.tags.filter((t) => !next.includes(t));
    try {
      let tags = c.tags;
      for (const t of added) tags = (await api.addTag(c.id, t)).tags;
      for (const t of removed) tags = (await api.removeTag(c.id, t)).tags;
      props.onTags(tags);
    } catch (err) {
      desk.toast(`Tags not saved: ${errorText(err)}`, 'error');
    }
  };
  return (
    <section className="panel" aria-label="Wrap-up" data-testid="wrap-up-card">
      <h3>Tags</h3>
      {props.canTag ? (
        <TagInput value={c.tags} onChange={(v) => void change(v)} placeholder="Add a tag, then Enter" testId="tag-editor" id={`tags-${c.id}`} />
      ) : c.tags.length ? (
        <div className="tags">
          {c.tags.map((t) => (
            <span key={t} className="badge badge-tag">
              {t}
            </span>
          ))}
        </div>
      ) : (
        <p className="muted small">No tags.</p>
      )}
      <h4>Transcript</h4>
      <p className="small">
        <a href={api.transcriptUrl(c.id, 'txt')} download data-testid="agent-transcript-txt">
          Download as text
        </a>
        {' · '}
        <a href={api.transcriptUrl(c.id, 'html')} download data-testid="agent-transcript-html">
          as a web page
        </a>
      </p>
    </section>
  );
}
