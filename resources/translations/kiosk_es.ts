<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_419" sourcelanguage="en">
<context>
    <name>Bars</name>
    <message>
        <source>⌂ Home</source>
        <translation>⌂ Inicio</translation>
    </message>
    <message>
        <source>Home</source>
        <translation>Inicio</translation>
    </message>
    <message>
        <source>A− Smaller</source>
        <translation>A− Más pequeño</translation>
    </message>
    <message>
        <source>Smaller text</source>
        <translation>Letra más pequeña</translation>
    </message>
    <message>
        <source>A+ Larger</source>
        <translation>A+ Más grande</translation>
    </message>
    <message>
        <source>Larger text</source>
        <translation>Letra más grande</translation>
    </message>
    <message>
        <source>◐ Contrast</source>
        <translation>◐ Contraste</translation>
    </message>
    <message>
        <source>High contrast</source>
        <translation>Alto contraste</translation>
    </message>
    <message>
        <source>♪ Listen</source>
        <translation>♪ Escuchar</translation>
    </message>
    <message>
        <source>Listen to this page</source>
        <translation>Escuchar esta página</translation>
    </message>
    <message>
        <source>❚❚ Pause</source>
        <translation>❚❚ Pausa</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausa</translation>
    </message>
    <message>
        <source>■ Stop</source>
        <translation>■ Parar</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Parar</translation>
    </message>
    <message>
        <source>↺ Repeat</source>
        <translation>↺ Repetir</translation>
    </message>
    <message>
        <source>Repeat the sentence</source>
        <translation>Repetir la frase</translation>
    </message>
    <message>
        <source>− Slower</source>
        <translation>− Lento</translation>
    </message>
    <message>
        <source>Slower</source>
        <translation>Más lento</translation>
    </message>
    <message>
        <source>+ Faster</source>
        <translation>+ Rápido</translation>
    </message>
    <message>
        <source>Faster</source>
        <translation>Más rápido</translation>
    </message>
    <message>
        <source>− Quieter</source>
        <translation>− Volumen</translation>
    </message>
    <message>
        <source>Quieter</source>
        <translation>Volumen más bajo</translation>
    </message>
    <message>
        <source>+ Louder</source>
        <translation>+ Volumen</translation>
    </message>
    <message>
        <source>Louder</source>
        <translation>Volumen más alto</translation>
    </message>
    <message>
        <source>‹ Back</source>
        <translation>‹ Atrás</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Atrás</translation>
    </message>
    <message>
        <source>Next ›</source>
        <translation>Siguiente ›</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>Página siguiente</translation>
    </message>
    <message>
        <source>☰ Topics</source>
        <translation>☰ Temas</translation>
    </message>
    <message>
        <source>Topics</source>
        <translation>Temas</translation>
    </message>
</context>
<context>
    <name>HelpPanel</name>
    <message>
        <source>Using the keys</source>
        <translation>Cómo usar las teclas</translation>
    </message>
    <message>
        <source>Close help</source>
        <translation>Cerrar la ayuda</translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <source>Touch a topic to read about it. Tick the questions you want to ask your doctor.</source>
        <translation>Toque un tema para leer sobre él. Marque las preguntas que quiere hacerle a su médico.</translation>
    </message>
    <message>
        <source>Published by {0}</source>
        <translation>Publicado por {0}</translation>
    </message>
    <message>
        <source>Source: {0}</source>
        <translation>Fuente: {0}</translation>
    </message>
    <message>
        <source>Introduction</source>
        <translation>Introducción</translation>
    </message>
</context>
<context>
    <name>IdlePanel</name>
    <message>
        <source>Are you still here?</source>
        <translation>¿Sigue usted aquí?</translation>
    </message>
    <message>
        <source>If not, the screen will clear your choices for the next patient.</source>
        <translation>Si no, se borrará lo que eligió, para el próximo paciente.</translation>
    </message>
    <message>
        <source>Yes, I&apos;m still here</source>
        <translation>Sí, sigo aquí</translation>
    </message>
    <message>
        <source>Touch the screen or press a key within 1 second to keep reading.</source>
        <translation>Toque la pantalla o presione una tecla en 1 segundo para seguir.</translation>
    </message>
    <message>
        <source>Touch the screen or press a key within {0} seconds to keep reading.</source>
        <translation>Toque la pantalla o presione una tecla en {0} segundos para seguir.</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <source>Only in {0}</source>
        <translation>Solo en {0}</translation>
    </message>
    <message>
        <source>This topic is not available in {0}. It is shown in {1}.</source>
        <translation>Este tema no está disponible en {0}. Se muestra en {1}.</translation>
    </message>
    <message>
        <source>Patient information</source>
        <translation>Información para pacientes</translation>
    </message>
    <message>
        <source>English</source>
        <translation>inglés</translation>
    </message>
    <message>
        <source>Spanish</source>
        <translation>español</translation>
    </message>
    <message>
        <source>Start reading ›</source>
        <translation>Empezar a leer ›</translation>
    </message>
    <message>
        <source>Next ›</source>
        <translation>Siguiente ›</translation>
    </message>
    <message>
        <source>Start reading</source>
        <translation>Empezar a leer</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>Página siguiente</translation>
    </message>
    <message>
        <source>☑ My questions ({0})</source>
        <translation>☑ Mis preguntas ({0})</translation>
    </message>
    <message>
        <source>My questions: {0} ticked</source>
        <translation>Mis preguntas marcadas: {0}</translation>
    </message>
    <message>
        <source>♪ Listen</source>
        <translation>♪ Escuchar</translation>
    </message>
    <message>
        <source>♪ Listen: sound is off</source>
        <translation>♪ Escuchar: sin sonido</translation>
    </message>
    <message>
        <source>Listen to this page</source>
        <translation>Escuchar esta página</translation>
    </message>
    <message>
        <source>Listen: sound is off</source>
        <translation>Escuchar: sin sonido</translation>
    </message>
    <message>
        <source>▶ Resume</source>
        <translation>▶ Seguir</translation>
    </message>
    <message>
        <source>❚❚ Pause</source>
        <translation>❚❚ Pausa</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Seguir</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausa</translation>
    </message>
</context>
<context>
    <name>Narrator</name>
    <message>
        <source>Checking the sound…</source>
        <translation>Comprobando el sonido…</translation>
    </message>
    <message>
        <source>The sound is not working.</source>
        <translation>El sonido no funciona.</translation>
    </message>
</context>
<context>
    <name>OutOfOrderScreen</name>
    <message>
        <source>Sorry, this screen is out of order.</source>
        <translation>Lo sentimos, esta pantalla no funciona.</translation>
    </message>
    <message>
        <source>Please ask at the front desk.</source>
        <translation>Por favor, pregunte en la recepción.</translation>
    </message>
    <message>
        <source>For staff: {0}. The kiosk tries again every minute; kiosk doctor on this computer checks everything it needs.</source>
        <translation>Para el personal: {0}. El quiosco lo vuelve a intentar cada minuto; kiosk doctor en esta computadora revisa todo lo que necesita.</translation>
    </message>
</context>
<context>
    <name>PinPad</name>
    <message>
        <source>Staff only</source>
        <translation>Solo para el personal</translation>
    </message>
    <message>
        <source>Enter the staff PIN.</source>
        <translation>Ingrese el PIN del personal.</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Borrar</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>Aceptar</translation>
    </message>
    <message>
        <source>‹ Back to the leaflet</source>
        <translation>‹ Volver al folleto</translation>
    </message>
</context>
<context>
    <name>PrintService</name>
    <message>
        <source>Your questions have printed. Please collect them from the printer.</source>
        <translation>Sus preguntas se imprimieron. Por favor, recójalas en la impresora.</translation>
    </message>
    <message>
        <source>Printing your questions…</source>
        <translation>Imprimiendo sus preguntas…</translation>
    </message>
    <message>
        <source>Your questions are saved. Please ask at the front desk for a printed copy.</source>
        <translation>Sus preguntas están guardadas. Por favor, pida una copia impresa en la recepción.</translation>
    </message>
    <message>
        <source>The printer is not working right now. Please ask at the front desk.</source>
        <translation>La impresora no funciona en este momento. Por favor, pregunte en la recepción.</translation>
    </message>
    <message>
        <source>My own questions:</source>
        <translation>Mis propias preguntas:</translation>
    </message>
    <message>
        <source>Printed on {0}</source>
        <translation>Impreso el {0}</translation>
    </message>
    <message>
        <source>Bring this to your appointment.</source>
        <translation>Traiga esta hoja a su cita.</translation>
    </message>
    <message>
        <source>Write the answers on the lines.</source>
        <translation>Escriba las respuestas en las líneas.</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nombre:</translation>
    </message>
    <message>
        <source>Appointment date:</source>
        <translation>Fecha de la cita:</translation>
    </message>
    <message>
        <source>Doctor:</source>
        <translation>Médico:</translation>
    </message>
    <message>
        <source>Clinic phone: {0}</source>
        <translation>Teléfono de la clínica: {0}</translation>
    </message>
    <message>
        <source>Source: {0}</source>
        <translation>Fuente: {0}</translation>
    </message>
    <message>
        <source>Page {0} of {1}</source>
        <translation>Página {0} de {1}</translation>
    </message>
    <message>
        <source>Published by {0}</source>
        <translation>Publicado por {0}</translation>
    </message>
    <message>
        <source>Scan with your phone&apos;s camera to read the whole leaflet</source>
        <translation>Escanee con la cámara de su teléfono para leer el folleto completo</translation>
    </message>
</context>
<context>
    <name>QuestionsPage</name>
    <message>
        <source>Touch a question to tick it. Touch it again to take the tick away.</source>
        <translation>Toque una pregunta para marcarla. Tóquela otra vez para quitar la marca.</translation>
    </message>
    <message>
        <source>Print my questions</source>
        <translation>Imprimir mis preguntas</translation>
    </message>
    <message>
        <source>Clear all</source>
        <translation>Borrar todo</translation>
    </message>
    <message>
        <source>All ticks cleared.</source>
        <translation>Se borraron todas las marcas.</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Deshacer</translation>
    </message>
    <message>
        <source>Bring back the ticks Clear all took</source>
        <translation>Recuperar las marcas que quitó Borrar todo</translation>
    </message>
    <message>
        <source>Published by {0}</source>
        <translation>Publicado por {0}</translation>
    </message>
    <message>
        <source>Questions to ask your doctor</source>
        <translation>Preguntas para hacerle a su médico</translation>
    </message>
    <message>
        <source>Source: {0}</source>
        <translation>Fuente: {0}</translation>
    </message>
    <message>
        <source>All ticks cleared. Press Undo to bring them back.</source>
        <translation>Se borraron todas las marcas. Presione Deshacer para recuperarlas.</translation>
    </message>
    <message>
        <source>Ticks brought back. {0}.</source>
        <translation>Marcas recuperadas. {0}.</translation>
    </message>
    <message>
        <source>Ticked.</source>
        <translation>Marcada.</translation>
    </message>
    <message>
        <source>Not ticked.</source>
        <translation>Sin marcar.</translation>
    </message>
    <message>
        <source>Question {0} of {1}: {2} {3}</source>
        <translation>Pregunta {0} de {1}: {2} {3}</translation>
    </message>
    <message>
        <source>Questions ticked: {0} of {1}</source>
        <translation>Preguntas marcadas: {0} de {1}</translation>
    </message>
    <message>
        <source>Your printed questions will be:</source>
        <translation>Sus preguntas impresas serán:</translation>
    </message>
    <message>
        <source>Tick at least one question to print it.</source>
        <translation>Marque al menos una pregunta para imprimirla.</translation>
    </message>
</context>
<context>
    <name>ScrollPage</name>
    <message>
        <source>▼ More below</source>
        <translation>▼ Hay más abajo</translation>
    </message>
    <message>
        <source>Position on the page</source>
        <translation>Posición en la página</translation>
    </message>
</context>
<context>
    <name>Staff</name>
    <message>
        <source>off (started without reading aloud)</source>
        <translation>apagada (se inició sin lectura en voz alta)</translation>
    </message>
    <message>
        <source>not working: {0}</source>
        <translation>no funciona: {0}</translation>
    </message>
    <message>
        <source>working, in {0}: {1}</source>
        <translation>funciona, con {0}: {1}</translation>
    </message>
    <message>
        <source>working, in {0}</source>
        <translation>funciona, con {0}</translation>
    </message>
    <message>
        <source>working</source>
        <translation>funciona</translation>
    </message>
    <message>
        <source>Reading aloud is {0}.</source>
        <translation>La lectura en voz alta: {0}.</translation>
    </message>
    <message>
        <source>Saying a test sentence.</source>
        <translation>Diciendo una frase de prueba.</translation>
    </message>
    <message>
        <source>Topics: {0}</source>
        <translation>Temas: {0}</translation>
    </message>
    <message>
        <source>Left out of the topics: {0}</source>
        <translation>Fuera de los temas: {0}</translation>
    </message>
</context>
<context>
    <name>StaffMode</name>
    <message>
        <source>Staff mode is locked: no usable staff PIN is set. Set one on this computer with: kiosk set-pin</source>
        <translation>El modo del personal está bloqueado: no hay un PIN del personal válido. Ponga uno en esta computadora con: kiosk set-pin</translation>
    </message>
    <message>
        <source>Enter the staff PIN.</source>
        <translation>Ingrese el PIN del personal.</translation>
    </message>
    <message numerus="yes">
        <source>Too many wrong PINs. Staff mode is locked for %n more minute(s).</source>
        <translation>
            <numerusform>Demasiados intentos con un PIN equivocado. El modo del personal queda bloqueado %n minuto más.</numerusform>
            <numerusform>Demasiados intentos con un PIN equivocado. El modo del personal queda bloqueado %n minutos más.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>That PIN is not right. %n tries left.</source>
        <translation>
            <numerusform>Ese PIN no es correcto. Le queda %n intento.</numerusform>
            <numerusform>Ese PIN no es correcto. Le quedan %n intentos.</numerusform>
        </translation>
    </message>
    <message>
        <source>Printing a test page…</source>
        <translation>Imprimiendo una página de prueba…</translation>
    </message>
    <message>
        <source>Reading the leaflet again…</source>
        <translation>Leyendo el folleto otra vez…</translation>
    </message>
</context>
<context>
    <name>StaffPanel</name>
    <message>
        <source>Staff</source>
        <translation>Personal</translation>
    </message>
    <message>
        <source>‹ Back to the leaflet</source>
        <translation>‹ Volver al folleto</translation>
    </message>
    <message>
        <source>Print a test page</source>
        <translation>Imprimir una página de prueba</translation>
    </message>
    <message>
        <source>Hear a test sentence</source>
        <translation>Escuchar una frase de prueba</translation>
    </message>
    <message>
        <source>Reload the leaflet</source>
        <translation>Volver a cargar el folleto</translation>
    </message>
    <message>
        <source>Quit the kiosk</source>
        <translation>Cerrar el quiosco</translation>
    </message>
    <message>
        <source>Recent log</source>
        <translation>Registro reciente</translation>
    </message>
    <message>
        <source>Printer: {0}</source>
        <translation>Impresora: {0}</translation>
    </message>
    <message>
        <source>Reading aloud: {0}</source>
        <translation>Lectura en voz alta: {0}</translation>
    </message>
    <message>
        <source>Configuration: no problems.</source>
        <translation>Configuración: sin problemas.</translation>
    </message>
    <message>
        <source>Configuration problems:
{0}</source>
        <translation>Problemas de configuración:
{0}</translation>
    </message>
    <message>
        <source>(nothing logged yet)</source>
        <translation>(todavía no hay nada registrado)</translation>
    </message>
</context>
<context>
    <name>Talk</name>
    <message>
        <source>Text size {0} percent.</source>
        <translation>Tamaño de la letra: {0} por ciento.</translation>
    </message>
    <message>
        <source>Speech rate {0} words a minute.</source>
        <translation>Velocidad de la voz: {0} palabras por minuto.</translation>
    </message>
    <message>
        <source>{0} or {1}</source>
        <translation>{0} o {1}</translation>
    </message>
    <message>
        <source>Still here? Press any key.</source>
        <translation>¿Sigue aquí? Presione cualquier tecla.</translation>
    </message>
    <message>
        <source>Still here? Touch the screen.</source>
        <translation>¿Sigue aquí? Toque la pantalla.</translation>
    </message>
    <message>
        <source>{0} seconds.</source>
        <translation>{0} segundos.</translation>
    </message>
    <message>
        <source>This is the kiosk&apos;s voice. Reading aloud works.</source>
        <translation>Esta es la voz del quiosco. La lectura en voz alta funciona.</translation>
    </message>
    <message>
        <source>End of the page.</source>
        <translation>Fin de la página.</translation>
    </message>
    <message>
        <source>Top of the page.</source>
        <translation>Principio de la página.</translation>
    </message>
    <message>
        <source>This is the first page.</source>
        <translation>Esta es la primera página.</translation>
    </message>
    <message>
        <source>Press any other key, or touch the screen, to close this help.</source>
        <translation>Presione cualquier otra tecla, o toque la pantalla, para cerrar esta ayuda.</translation>
    </message>
    <message>
        <source>You are on {0}.</source>
        <translation>Está en {0}.</translation>
    </message>
    <message>
        <source>Press {0} for the next item and {1} for the one before.</source>
        <translation>Presione {0} para ir a lo siguiente y {1} para volver a lo anterior.</translation>
    </message>
    <message>
        <source>Press {0} to choose it, and {1} to go back a page.</source>
        <translation>Presione {0} para elegirlo, y {1} para volver una página atrás.</translation>
    </message>
    <message>
        <source>Press {0} and {1} to scroll long text, {2} and {3} for louder and quieter.</source>
        <translation>Presione {0} y {1} para mover un texto largo, {2} y {3} para subir y bajar el volumen.</translation>
    </message>
    <message>
        <source>Press {0} to hear this again.</source>
        <translation>Presione {0} para oír esto otra vez.</translation>
    </message>
    <message>
        <source>Volume {0} percent.</source>
        <translation>Volumen: {0} por ciento.</translation>
    </message>
    <message>
        <source>Page: {0}.</source>
        <translation>Página: {0}.</translation>
    </message>
    <message>
        <source>Press {0} to read on, or {1} for help.</source>
        <translation>Presione {0} para seguir leyendo, o {1} para la ayuda.</translation>
    </message>
    <message>
        <source>the staff panel</source>
        <translation>el panel del personal</translation>
    </message>
    <message>
        <source>ticked</source>
        <translation>marcada</translation>
    </message>
    <message>
        <source>not ticked</source>
        <translation>sin marcar</translation>
    </message>
    <message>
        <source>Question {0} of {1}, {2}: {3}</source>
        <translation>Pregunta {0} de {1}, {2}: {3}</translation>
    </message>
    <message>
        <source>Topic: {0}</source>
        <translation>Tema: {0}</translation>
    </message>
    <message>
        <source>on</source>
        <translation>activado</translation>
    </message>
    <message>
        <source>off</source>
        <translation>desactivado</translation>
    </message>
    <message>
        <source>Switch: {0}, {1}</source>
        <translation>Interruptor: {0}, {1}</translation>
    </message>
    <message>
        <source>Button: {0}</source>
        <translation>Botón: {0}</translation>
    </message>
    <message>
        <source>, not available now</source>
        <translation>, no disponible ahora</translation>
    </message>
    <message>
        <source>Heading: {0}</source>
        <translation>Encabezado: {0}</translation>
    </message>
</context>
<context>
    <name>TopicsPage</name>
    <message>
        <source>Choose a topic</source>
        <translation>Elija un tema</translation>
    </message>
    <message>
        <source>Touch a topic to read about it.</source>
        <translation>Toque un tema para leer sobre él.</translation>
    </message>
</context>
<context>
    <name>WelcomeScreen</name>
    <message>
        <source>Touch the screen to start</source>
        <translation>Toque la pantalla para empezar</translation>
    </message>
</context>
<context>
    <name>_SynthesisWorker</name>
    <message>
        <source>speech engine error ({0})</source>
        <translation>error del motor de voz ({0})</translation>
    </message>
</context>
</TS>
