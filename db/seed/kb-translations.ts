/**
 * Demo translations of help articles (German, French, Spanish) and the translation factory the
 * tests share. `seedKbTranslations(tx, { authorId })` runs after seedKnowledgeBase in db/seed/demo.ts.
 */
import { eq } from "drizzle-orm";
import type { Executor } from "../client";
import { kbArticles, kbArticleTranslations } from "../schema";

/** Text-search configuration per locale (as app/modules/kb/locales.ts; both databases we run on have these). */
const configs: Record<string, string> = { de: "german", fr: "french", es: "spanish" };

export interface KbTranslationFactoryInput {
  articleId: string;
  locale: string;
  slug: string;
  title: string;
  summary?: string;
  body?: string;
  authorId?: string | null;
  sourceRevision?: number;
  updatedAt?: Date;
}

export async function createKbTranslation(db: Executor, input: KbTranslationFactoryInput) {
  const at = input.updatedAt ?? new Date();
  const [row] = await db
    .insert(kbArticleTranslations)
    .values({
      articleId: input.articleId,
      locale: input.locale,
      slug: input.slug,
      title: input.title,
      summary: input.summary ?? "",
      body: input.body ?? `${input.title}.`,
      searchConfig: configs[input.locale] ?? "simple",
      sourceRevision: input.sourceRevision ?? 1,
      createdById: input.authorId ?? null,
      updatedById: input.authorId ?? null,
      createdAt: at,
      updatedAt: at,
    })
    .returning();
  return row!;
}

const demo: { article: string; locale: string; slug: string; title: string; summary: string; body: string }[] = [
  {
    article: "download-invoices",
    locale: "de",
    slug: "rechnungen-herunterladen",
    title: "Wo kann ich Rechnungen und Quittungen herunterladen?",
    summary: "Rechnungen finden Sie unter Einstellungen → Abrechnung → Rechnungen als PDF; Rechnungskontakte erhalten sie auch per E-Mail.",
    body: `Öffnen Sie **Einstellungen → Abrechnung → Rechnungen**. Jede Rechnung lässt sich als PDF herunterladen, und die Liste kann als CSV für Ihre Buchhaltung exportiert werden.

Damit Ihre Finanzabteilung Rechnungen automatisch erhält, tragen Sie ihre Adresse unter **Rechnungskontakte** ein. Sie brauchen eine USt-IdNr. oder eine Bestellnummer auf der Rechnung? Ergänzen Sie sie unter **Rechnungsdaten**, bevor die nächste Rechnung erstellt wird.
`,
  },
  {
    article: "download-invoices",
    locale: "fr",
    slug: "telecharger-factures",
    title: "Où télécharger mes factures et reçus ?",
    summary: "Les factures se trouvent sous Paramètres → Facturation → Factures, en PDF ; les contacts de facturation les reçoivent aussi par e-mail.",
    body: `Ouvrez **Paramètres → Facturation → Factures**. Chaque facture peut être téléchargée en PDF, et la liste peut être exportée en CSV pour votre comptabilité.

Pour que votre service financier reçoive les factures automatiquement, ajoutez son adresse sous **Contacts de facturation**. Besoin d'un numéro de TVA ou d'une référence de bon de commande ? Ajoutez-le sous **Coordonnées de facturation** avant l'émission de la prochaine facture.
`,
  },
  {
    article: "download-invoices",
    locale: "es",
    slug: "descargar-facturas",
    title: "¿Dónde descargo facturas y recibos?",
    summary: "Las facturas están en Configuración → Facturación → Facturas en PDF; los contactos de facturación también las reciben por correo.",
    body: `Abra **Configuración → Facturación → Facturas**. Cada factura se puede descargar en PDF y la lista se puede exportar en CSV para su contabilidad.

Para que su equipo de finanzas reciba las facturas automáticamente, añada su dirección en **Contactos de facturación**. ¿Necesita un NIF o una referencia de pedido en la factura? Añádalos en **Datos de facturación** antes de que se emita la próxima factura.
`,
  },
  {
    article: "change-plan-or-seats",
    locale: "de",
    slug: "tarif-oder-plaetze-aendern",
    title: "Tarif oder Anzahl der Plätze ändern",
    summary: "Upgrade, Downgrade oder zusätzliche Plätze; wie die anteilige Berechnung auf Ihrer nächsten Rechnung funktioniert.",
    body: `Administratoren ändern den Tarif unter **Einstellungen → Abrechnung → Tarif**.

- **Upgrades** gelten sofort. Sie zahlen die Differenz für den Rest des Abrechnungszeitraums (tagesgenau anteilig).
- **Downgrades** gelten zum Ende des laufenden Zeitraums, damit niemand mitten im Monat den Zugang verliert.
- **Plätze** können jederzeit hinzugefügt werden; entfernte Plätze werden auf der nächsten Rechnung gutgeschrieben.

Enterprise-Verträge ändert Ihr Account Manager: Eröffnen Sie ein Ticket, und wir stellen den Kontakt her.
`,
  },
  {
    article: "change-plan-or-seats",
    locale: "fr",
    slug: "changer-formule-ou-sieges",
    title: "Changer de formule ou de nombre de sièges",
    summary: "Passer à une formule supérieure ou inférieure, ajouter des sièges ; le calcul au prorata sur la prochaine facture.",
    body: `Les administrateurs changent de formule sous **Paramètres → Facturation → Formule**.

- Les **montées en gamme** prennent effet immédiatement. Vous payez la différence pour le reste de la période (au prorata des jours).
- Les **baisses de gamme** prennent effet à la fin de la période en cours.
- Les **sièges** peuvent être ajoutés à tout moment ; les sièges retirés sont crédités sur la prochaine facture.
`,
  },
  {
    article: "invite-teammates",
    locale: "de",
    slug: "teammitglieder-einladen",
    title: "Teammitglieder einladen und Rollen zuweisen",
    summary: "Fügen Sie Personen zu Ihrem Arbeitsbereich hinzu und legen Sie fest, was sie dürfen.",
    body: `Administratoren laden Personen unter **Einstellungen → Mitglieder → Einladen** ein. Jede Einladung ist 7 Tage gültig.

## Rollen

- **Admin**: Abrechnung, Mitglieder, Single Sign-on und alle Daten.
- **Mitglied**: Dashboards und Alarme erstellen und bearbeiten.
- **Betrachter**: nur lesen.
`,
  },
  {
    article: "invite-teammates",
    locale: "es",
    slug: "invitar-companeros",
    title: "Invitar a compañeros y asignar roles",
    summary: "Añada personas a su espacio de trabajo y elija qué puede hacer cada una.",
    body: `Los administradores invitan a personas desde **Configuración → Miembros → Invitar**. Cada invitación es válida durante 7 días.

## Roles

- **Administrador**: facturación, miembros, inicio de sesión único y todos los datos.
- **Miembro**: crear y editar paneles y alertas.
- **Lector**: solo lectura.
`,
  },
];

/** Seeds the demo translations (articles from seedKnowledgeBase, looked up by slug). */
export async function seedKbTranslations(tx: Executor, { authorId }: { authorId: string | null }): Promise<{ translations: number }> {
  let n = 0;
  for (const t of demo) {
    const [article] = await tx.select({ id: kbArticles.id, revision: kbArticles.revision, updatedAt: kbArticles.updatedAt }).from(kbArticles).where(eq(kbArticles.slug, t.article));
    if (!article) continue;
    await createKbTranslation(tx, { articleId: article.id, locale: t.locale, slug: t.slug, title: t.title, summary: t.summary, body: t.body, authorId, sourceRevision: article.revision, updatedAt: article.updatedAt });
    n++;
  }
  return { translations: n };
}
